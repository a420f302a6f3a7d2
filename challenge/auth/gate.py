"""Before every request: an account that has not confirmed its e-mail, or an admin who must
enrol in two-factor sign-in and has not, reaches only the pages that let it do so."""

from flask import redirect, request, url_for
from flask_login import current_user

from .two_factor import required_for

# Reachable by any signed-in account, whatever it still owes.
ALWAYS = frozenset({"static", "bootstrap.static", "auth.logout", "auth.confirm",
                    "legal.terms", "legal.privacy"})
UNCONFIRMED = ALWAYS | {"auth.unconfirmed", "auth.resend_confirmation"}
NOT_ENROLLED = ALWAYS | {"auth.two_factor_setup"}


def check():
    endpoint = request.endpoint
    if endpoint is None or endpoint in ALWAYS or not current_user.is_authenticated:
        return None
    if not current_user.email_confirmed:
        return None if endpoint in UNCONFIRMED else redirect(url_for("auth.unconfirmed"))
    if required_for(current_user) and not current_user.two_factor_enabled:
        return None if endpoint in NOT_ENROLLED else redirect(url_for("auth.two_factor_setup"))
    return None
