"""Small helpers every area's views use: load-or-404, require-or-403, form error flash."""

from functools import wraps

from flask import abort, flash
from flask_login import current_user, login_required

from .errors import Refused
from .extensions import db
from .states import Role
from .workflow import perform


def get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def require(condition: bool) -> None:
    if not condition:
        abort(403)


def role_required(*roles: Role):
    """Signed in with one of these roles, else login page (anonymous) or 403."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def apply_transition(obj, action: str, success: str, reason: str = "", field=None,
                     **params) -> bool:
    """One transition for the signed-in user: commit and flash *success*, or roll back and
    show the refusal next to *field* (a flash when there is no field)."""
    try:
        perform(obj, action, current_user, reason=reason, **params)
    except Refused as exc:
        db.session.rollback()
        if field is not None:
            field.errors.append(exc.message)
        else:
            flash(exc.message, "danger")
        return False
    db.session.commit()
    flash(success, "success")
    return True
