"""Small helpers every area's views use: load-or-404, require-or-403, form error flash."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .extensions import db
from .states import Role


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
