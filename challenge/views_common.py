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


class attempt:
    """Run a view's operation as one transaction: commit when the block ends; on `Refused` roll
    back and show the refusal next to its field (the form's field named by `refusal.field`,
    else *field*), or as a flash when there is none, and carry on after the block, the entered
    data still in the form. `bool(done)` says whether it committed; `done.refusal` is the
    refusal (*show=False* leaves showing it to the view). With *keep_earlier* what the request
    changed before the block (a draft just saved) is committed first, so a refused block
    leaves it saved (a commit, not a savepoint: on SQLite a SAVEPOINT opens a deferred
    transaction whose later write can fail at once with "database is locked").

        with attempt(form, field=form.reason) as done:
            ops.eliminate(contract, current_user, form.reason.data)
        if done:
            flash(_("已淘汰。"), "success")
            return redirect(...)
        return render_template(..., form=form)
    """

    def __init__(self, form=None, field=None, *, show: bool = True, keep_earlier: bool = False):
        self.form, self.field, self.show = form, field, show
        self.keep_earlier = keep_earlier
        self.refusal: Refused | None = None
        self.committed = False

    def __enter__(self) -> "attempt":
        if self.keep_earlier:
            db.session.commit()
        return self

    def __exit__(self, kind, exc, traceback) -> bool:
        if exc is None:
            db.session.commit()
            self.committed = True
            return False
        if not isinstance(exc, Refused):
            return False
        db.session.rollback()
        self.refusal = exc
        if self.show:
            show_refusal(exc, self.form, self.field)
        return True

    def __bool__(self) -> bool:
        return self.committed


def show_refusal(refusal: Refused, form=None, field=None) -> None:
    """Next to the form's field the refusal names, else next to *field*, else a flash."""
    named = form[refusal.field] if form is not None and refusal.field and refusal.field in form \
        else None
    target = named if named is not None else field
    if target is None:
        flash(refusal.message, "danger")
    elif refusal.items and refusal.joined:
        target.errors = [*target.errors, *refusal.items]  # several problems: one line each
    else:
        target.errors = [*target.errors, refusal.message]


def apply_transition(obj, action: str, success: str, reason: str = "", field=None, form=None,
                     **params) -> bool:
    """One transition for the signed-in user: commit and flash *success*, or roll back and
    show the refusal next to the *form*'s field it names, else next to *field* (a flash when
    there is no field)."""
    with attempt(form, field=field) as done:
        perform(obj, action, current_user, reason=reason, **params)
    if done:
        flash(success, "success")
    return bool(done)
