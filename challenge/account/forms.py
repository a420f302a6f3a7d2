from ..experts.forms import ProfileFieldsForm


class ProfileForm(ProfileFieldsForm):
    """A solver's or reviewer's own expert profile; contact details live on the account."""
