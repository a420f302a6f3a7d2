"""Register, log in (password, then the second factor when enrolled), log out, change password."""

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload, undefer
from werkzeug.security import check_password_hash, generate_password_hash

from .. import locales
from ..extensions import db, login_manager
from ..models import User
from ..orgs import placement as org_placement
from ..states import OrgType, Role
from ..timeutil import utcnow
from ..uploads import UploadError
from ..views_common import attempt, show_refusal
from ..workflow import record
from . import throttle
from . import two_factor as second_factor
from .email_links import accept_terms, send_confirmation
from .forms import LoginForm, PasswordChangeForm, RegisterForm, TwoFactorForm

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = _l("请先登录。")
login_manager.localize_callback = str  # the lazy message, in the page's language
login_manager.login_message_category = "warning"

# Checked when the account does not exist, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


# The organisation and the unread count come along: every signed-in page shows its name, its
# gate and the navbar's message counter. Built once: every signed-in request runs it, and
# building the statement with its loader options (and its cache key) cost more than running it.
_USER_BY_SESSION_TOKEN = (select(User).where(User.session_token == bindparam("token"))
                          .options(joinedload(User.organization),
                                   undefer(User.unread_notifications)))


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Sessions and remember-me cookies carry the account's session token, not its id: rotating
    the token (logout, password change or reset) ends all of them."""
    if not session_token:
        return None
    return db.session.scalar(_USER_BY_SESSION_TOKEN, {"token": session_token})


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
        invited = form.invitation is not None  # the invitation mail already proved the address
        with attempt(show=False) as done:
            user = register_user(form)
            message = org_placement.place_registrant(user, form)
            accept_terms(user)
            if invited:
                user.confirm_email()
            else:
                send_confirmation(user)
        if done:
            login_user(user)
            if invited:
                flash(_("注册成功，欢迎使用揭榜挂帅平台。") + message, "success")
                return redirect(url_for("account.home"))
            flash(_("注册成功。确认邮件已发送至 %(email)s，请点击邮件中的链接完成注册。",
                    email=user.email) + message, "success")
            return redirect(url_for("auth.unconfirmed"))
        show_refusal(done.refusal, field=form.licence if isinstance(done.refusal, UploadError)
                     else form.org_choice)
    return render_template("auth/register.html", form=form, title=_("注册"))


def register_user(form: RegisterForm) -> User:
    """The account alone; its organisation is settled by challenge.orgs.placement."""
    user = User(email=form.email.data, phone=form.phone.data or None, name=form.name.data.strip(),
                role=Role(form.role.data), locale=locales.current())  # the language signed up in
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
        account_key = throttle.account_key(user, key)
        refusal = throttle.begin_attempt(account_key)
        if refusal:
            return _refused(form, refusal)
        password_ok = (user.check_password(form.password.data) if user
                       else check_password_hash(_DUMMY_HASH, form.password.data))
        if user is None or not password_ok:
            _failed(user, account_key)
            form.password.errors.append(_("账号或密码不正确。"))
        elif not user.active:
            form.password.errors.append(_("该账号已停用，请联系科技局管理员。"))
        elif user.two_factor_enabled:
            session["pending_2fa"] = {"token": user.session_token, "at": time.time(),
                                      "remember": bool(form.remember.data)}
            return redirect(url_for("auth.two_factor", next=safe_next("") or None))
        else:
            return complete_login(user, remember=form.remember.data)
    return render_template("auth/login.html", form=form, title=_("登录"))


def _failed(user: User | None, account_key: str) -> None:
    """Count a failed password or code; audit the failure that locks the account or address."""
    refusal = throttle.attempt_failed() or throttle.account_exhausted(account_key)
    if refusal and user is not None:
        record(user, "login_throttled", None, object_type="user", reason=refusal.scope,
               changes={"until": refusal.until.isoformat(timespec="seconds"),
                        "address": request.remote_addr})
        db.session.commit()


def _refused(form, refusal: throttle.Refusal):
    return render_template("auth/login.html", form=form, title=_("登录"),
                           refusal=refusal.message), 429


def complete_login(user: User, remember: bool):
    login_user(user, remember=remember)
    user.last_login_at = utcnow()
    throttle.attempt_succeeded(throttle.account_key(user))
    db.session.commit()
    flash(_("登录成功。"), "success")
    return redirect(safe_next(url_for("account.home")))


@bp.route("/two-factor", methods=["GET", "POST"])
def two_factor():
    """The second step of signing in: a TOTP code or a recovery code."""
    pending = session.get("pending_2fa") or {}
    user = load_user(pending.get("token", ""))
    fresh = time.time() - float(pending.get("at", 0)) < current_app.config["TWO_FACTOR_STEP_SECONDS"]
    if user is None or not fresh or not user.active:
        session.pop("pending_2fa", None)
        flash(_("登录验证已超时，请重新输入账号和密码。"), "warning")
        return redirect(url_for("auth.login", next=safe_next("") or None))
    form = TwoFactorForm()
    if form.validate_on_submit():
        account_key = throttle.account_key(user)
        refusal = throttle.begin_attempt(account_key)
        if refusal:
            return render_template("auth/two_factor.html", form=form, title=_("两步验证"),
                                   refusal=refusal.message), 429
        if second_factor.second_factor_ok(user, form.code.data):
            session.pop("pending_2fa", None)
            return complete_login(user, remember=bool(pending.get("remember")))
        _failed(user, account_key)
        if second_factor.totp_unavailable(user):  # a key is missing: say so, accept no TOTP code
            form.code.errors.append(_("暂时无法核对身份验证器的验证码（服务器的两步验证密钥配置有误）。"
                                      "请输入一个恢复码登录，或联系科技局管理员。"))
        else:
            form.code.errors.append(_("验证码不正确或已过期。"))
    return render_template("auth/two_factor.html", form=form, title=_("两步验证"))


@bp.route("/logout", methods=["POST"])
def logout():
    """Signing out ends every session and remember-me cookie of the account, not just this one."""
    if current_user.is_authenticated:
        current_user.rotate_session_token()
        db.session.commit()
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("hall.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("当前密码不正确。"))
        else:
            user = current_user._get_current_object()
            user.set_password(form.password.data)
            user.rotate_session_token()  # every other session and remember-me cookie ends
            record(user, "change_password", user, object_type="user")
            db.session.commit()
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(user, remember=remembered in request.cookies)  # this one continues
            flash(_("密码已修改，其他设备上的登录已全部退出。"), "success")
            return redirect(url_for("account.home"))
    return render_template("auth/password.html", form=form, title=_("修改密码"))

