"""Confirm the e-mail address; forgotten password → mail → reset (routes of the auth blueprint)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select

from ..extensions import db
from ..forms_common import AppForm
from ..models import User
from ..workflow import record
from . import throttle, tokens
from .email_links import send_confirmation, send_reset
from .forms import ForgotPasswordForm, ResetPasswordForm
from .views import bp


@bp.route("/unconfirmed")
@login_required
def unconfirmed():
    """All an account sees until its address is confirmed."""
    if current_user.email_confirmed:
        return redirect(url_for("account.home"))
    return render_template("auth/unconfirmed.html", form=AppForm(), title=_("请确认邮箱"))


@bp.route("/confirm/resend", methods=["POST"])
@login_required
def resend_confirmation():
    if not AppForm().validate_on_submit():
        return redirect(url_for("auth.unconfirmed"))
    if current_user.email_confirmed:
        return redirect(url_for("account.home"))
    if send_confirmation(current_user):
        db.session.commit()
        flash(_("确认邮件已重新发送至 %(email)s，请查收。", email=current_user.email), "success")
    else:
        flash(_("确认邮件发送过于频繁，请稍后再试。"), "warning")
    return redirect(url_for("auth.unconfirmed"))


@bp.route("/confirm/<token>")
def confirm(token: str):
    user = tokens.user_to_confirm(token)
    if user is None:
        return render_template("auth/link_invalid.html", title=_("链接无效"),
                               message=_("确认链接无效或已过期。请登录后在提示页面重新发送确认邮件。")), 400
    if not user.email_confirmed:
        user.confirm_email()
        record(user, "confirm_email", user, object_type="user", changes={"email": user.email})
        db.session.commit()
    flash(_("邮箱已确认，欢迎使用揭榜挂帅平台。"), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("account.home"))
    return redirect(url_for("auth.login"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    """The same answer whether or not the address has an account (no enumeration)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        address = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == address))
        if user is not None and user.active and send_reset(user):
            db.session.commit()
        flash(_("如果 %(email)s 是已注册账号的邮箱，重设密码的链接已发往该邮箱，请在一小时内使用。",
                email=address), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form, title=_("忘记密码"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = tokens.user_to_reset(token)
    if user is None:
        return render_template("auth/link_invalid.html", title=_("链接无效"), message=_(
            "重设密码的链接无效、已过期或已经用过。请重新申请。"), forgot=True), 400
    form = ResetPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        user.set_password(form.password.data)
        user.rotate_session_token()  # every session and remember-me cookie of the account ends
        user.confirm_email()  # the link reached the mailbox
        record(user, "reset_password", user, object_type="user")
        db.session.commit()
        throttle.attempt_succeeded(throttle.account_key(user))  # the mailbox proved it: sign-in reopens
        logout_user()
        flash(_("密码已重设，所有设备上的登录均已退出。请用新密码登录。"), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, title=_("设置新密码"))
