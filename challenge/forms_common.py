"""Field helpers shared by several areas' forms."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from .money import MoneyError, parse_wan
from .timeutil import DayError, local_today, parse_day


def _text_never_none(value):
    return "" if value is None else value


class TextNeverNone:
    """Form Meta: a text box missing from what was posted (a stale page, a hand-made request)
    reads as empty, as a browser sends an empty box, so no code meets None where it expects a
    string (`form.title.data.strip()`)."""

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, StringField):
            declared = unbound_field.kwargs.get("filters", ())
            options = {**options, "filters": [*declared, _text_never_none]}
        return super().bind_field(form, unbound_field, options)


class AppForm(FlaskForm):
    """The base of every form of the app (tests/security/test_no500.py checks it)."""

    class Meta(TextNeverNone):
        pass


class SubForm(Form):
    """The base of every repeated sub-form (FieldList rows), CSRF-less like wtforms.Form."""

    class Meta(TextNeverNone):
        pass


def options(pairs) -> list[SelectChoice]:
    """Choices for SelectField/RadioField from (value, label) pairs or a LabelledEnum."""
    if isinstance(pairs, type):
        pairs = pairs.choices()
    return [SelectChoice(value, label) for value, label in pairs]


def count_errors(form) -> int:
    """How many places of a form need fixing: each field with an error (rows of a list and
    the fields of a sub-form one by one), each message a list carries for itself, and each
    form-level error. Reads the fields' own error lists, so errors a form's validate() added
    after the list fields had summed theirs up are counted too."""
    found = len(getattr(form, "form_errors", None) or ())
    for field in form:
        if isinstance(field, FormField):
            found += count_errors(field.form)
        elif isinstance(field, FieldList):
            found += sum(isinstance(e, str) or hasattr(e, "__html__") for e in field.errors)
            found += sum(count_errors(entry.form) if isinstance(entry, FormField)
                         else bool(entry.errors) for entry in field)
        else:
            found += bool(field.errors)
    return found


def unix_newlines(value):
    """A field filter: browsers send a textarea's line breaks as CRLF; store them as LF, so a
    text saved back unchanged compares equal (and is not recorded as an edit)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class RequiredToSubmit:
    """Required when the form is sent on for review (`form.submitting`, True unless the form
    says otherwise); a saved draft may leave the field empty, and then nothing else checks it."""

    def __init__(self, message):
        self.message = message
        self.field_flags = {}

    def __call__(self, form, field):
        value = field.raw_data[0] if field.raw_data else field.data
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return
        field.errors[:] = []  # e.g. an integer field's "not a valid integer" for a blank
        raise StopValidation(self.message if getattr(form, "submitting", True) else None)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class WanField(StringField):
    """An amount typed in 万元; `.fen` holds the exact integer 分 after validation."""

    fen: int | None = None

    def __init__(self, label=None, validators=None, minimum_fen: int = 1, required: bool = True,
                 **kw):
        kw.setdefault("render_kw", {"inputmode": "decimal", "placeholder": _l("万元")})
        super().__init__(label, validators, **kw)
        self.minimum_fen = minimum_fen
        self.required = required

    def pre_validate(self, form):
        self.fen = None
        text = (self.data or "").strip()
        if not text:
            if not self.required:
                return
            raise ValidationError(_l("请填写金额（单位：万元）。"))
        try:
            self.fen = parse_wan(text, minimum_fen=self.minimum_fen)
        except MoneyError as exc:
            raise ValidationError(str(exc)) from None


class DateStringField(StringField):
    """A YYYY-MM-DD date with a Chinese error message; `.date` holds the parsed value."""

    date: dt.date | None = None

    def __init__(self, label=None, validators=None, future: bool = False, **kw):
        kw.setdefault("render_kw", {"type": "date", "placeholder": "YYYY-MM-DD"})
        super().__init__(label, validators, **kw)
        self.future = future

    def pre_validate(self, form):
        self.date = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.date = parse_day(text)
        except DayError as exc:
            raise ValidationError(str(exc)) from None
        if self.future and self.date <= local_today():
            raise ValidationError(_l("日期必须晚于今天。"))
