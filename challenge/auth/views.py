"""Register, log in, log out, change password."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, login_manager
from ..models import User
from ..orgs import placement as org_placement
from ..orgs.operations import MembershipError
from ..states import OrgType, Role
from ..timeutil import utcnow
from ..uploads import UploadError
from ..workflow import record
from .forms import LoginForm, PasswordChangeForm, RegisterForm

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "warning"

# Checked when the account does not exist, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def safe_next(default: str) -> str:
    """Only same-site paths: no scheme, no host, no '//' or backslash tricks."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if (not target or parts.scheme or parts.netloc or not target.startswith("/")
            or target.startswith("//") or "\\" in target):
        return default
    return target


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("account.home"))
    form = RegisterForm()
    if request.method == "GET":
        form.role.data = request.args.get("role", Role.SOLVER.value)
        if form.role.data == Role.ENTERPRISE.value:
            form.org_type.data = OrgType.ENTERPRISE.value
        org_placement.prefill(form, request.args.get("invite", ""))
    if form.validate_on_submit():
        user = register_user(form)
        try:
            message = org_placement.place_registrant(user, form)
        except (UploadError, MembershipError) as exc:
            db.session.rollback()
            (form.licence if isinstance(exc, UploadError) else form.org_choice).errors.append(str(exc))
        else:
            db.session.commit()
            login_user(user)
            flash(_("注册成功，欢迎使用揭榜挂帅平台。") + message, "success")
            return redirect(url_for("account.home"))
    return render_template("auth/register.html", form=form, title=_("注册"))


def register_user(form: RegisterForm) -> User:
    """The account alone; its organisation is settled by challenge.orgs.placement."""
    user = User(email=form.email.data, phone=form.phone.data or None, name=form.name.data.strip(),
                role=Role(form.role.data))
    user.set_password(form.password.data)
    db.session.add(user)
    db.session.flush()
    record(user, "register", user, object_type="user", changes={"role": [None, user.role.value]})
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("account.home")))
    form = LoginForm()
    if form.validate_on_submit():
        key = form.login.data.strip()
        user = db.session.scalar(select(User).where(
            or_(func.lower(User.email) == key.lower(), User.phone == key)))
        password_ok = (user.check_password(form.password.data) if user
                       else check_password_hash(_DUMMY_HASH, form.password.data))
        if user is None or not password_ok:
            form.password.errors.append(_("账号或密码不正确。"))
        elif not user.active:
            form.password.errors.append(_("该账号已停用，请联系科技局管理员。"))
        else:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            flash(_("登录成功。"), "success")
            return redirect(safe_next(url_for("account.home")))
    return render_template("auth/login.html", form=form, title=_("登录"))


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("hall.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("当前密码不正确。"))
        else:
            current_user.set_password(form.password.data)
            record(current_user, "change_password", current_user, object_type="user")
            db.session.commit()
            flash(_("密码已修改。"), "success")
            return redirect(url_for("account.home"))
    return render_template("auth/password.html", form=form, title=_("修改密码"))
