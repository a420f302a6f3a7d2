"""Account security page: enrol in, leave or renew two-factor sign-in, and the account's
language (routes of the auth blueprint)."""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..locales import current, save_choice
from ..workflow import record
from . import totp_keys, two_factor
from .forms import LanguageForm, TwoFactorDisableForm, TwoFactorSetupForm
from .views import bp

SETUP_KEY = "totp_setup_secret"


@bp.route("/security")
@login_required
def security():
    return render_template("auth/security.html", title=_("账号安全"),
                           required=two_factor.required_for(current_user),
                           codes_left=two_factor.unused_recovery_codes(current_user),
                           disable_form=TwoFactorDisableForm(prefix="disable"),
                           renew_form=TwoFactorSetupForm(prefix="renew"),
                           language_form=LanguageForm(prefix="language",
                                                      locale=current_user.locale or current()))


@bp.route("/language", methods=["POST"])
@login_required
def language():
    """Save the account's language: its pages, e-mails and notices from now on."""
    form = LanguageForm(prefix="language")
    if form.validate_on_submit():
        save_choice(current_user, form.locale.data)
        flash(_("语言设置已保存。"), "success")
    else:
        flash(_("请选择一种语言。"), "danger")
    return redirect(url_for("auth.security"))


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Show a new secret (and its QR code); it is kept only once a code from it is typed back."""
    if current_user.two_factor_enabled:
        return redirect(url_for("auth.security"))
    form = TwoFactorSetupForm()
    secret = _setup_secret()
    if form.validate_on_submit():
        codes = two_factor.enable(current_user, secret, form.code.data)
        if codes is not None:
            db.session.commit()
            session.pop(SETUP_KEY, None)
            return render_template("auth/recovery_codes.html", codes=codes, title=_("恢复码"))
        form.code.errors.append(_("验证码不正确，请核对手机时间后输入当前显示的 6 位数字。"))
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template("auth/two_factor_setup.html", form=form, secret=secret,
                           qr=two_factor.qr_svg(uri, _("两步验证二维码")),
                           required=two_factor.required_for(current_user), title=_("开启两步验证"))


def _setup_secret() -> str:
    """The secret being enrolled. It waits in the session cookie between the page and the code
    typed back, sealed like the stored ones (Flask's cookie is signed, not encrypted): any app
    server with the keys opens it, none has to remember it. A token no key opens (the keys
    changed meanwhile) is replaced by a new secret."""
    sealed = session.get(SETUP_KEY)
    if sealed:
        try:
            return totp_keys.unseal(sealed)
        except totp_keys.SecretUnavailable:
            pass
    secret = two_factor.new_secret()
    session[SETUP_KEY] = totp_keys.seal(secret)
    return secret


@bp.route("/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable():
    if two_factor.required_for(current_user):
        abort(403)
    form = TwoFactorDisableForm(prefix="disable")
    if form.validate_on_submit() and current_user.check_password(form.password.data) \
            and two_factor.second_factor_ok(current_user, form.code.data):
        two_factor.disable(current_user, current_user)
        db.session.commit()
        flash(_("两步验证已关闭。"), "success")
    else:
        db.session.commit()  # a recovery code spent on a wrong password stays spent
        flash(_("密码或验证码不正确，两步验证未关闭。"), "danger")
    return redirect(url_for("auth.security"))


@bp.route("/two-factor/recovery-codes", methods=["POST"])
@login_required
def recovery_codes_renew():
    """New recovery codes (the old ones stop working) for a current TOTP code."""
    form = TwoFactorSetupForm(prefix="renew")
    if not (current_user.two_factor_enabled and form.validate_on_submit()
            and two_factor.use_totp(current_user, form.code.data)):
        flash(_("验证码不正确，恢复码未更换。"), "danger")
        return redirect(url_for("auth.security"))
    codes = two_factor.new_recovery_codes(current_user)
    record(current_user, "renew_recovery_codes", current_user, object_type="user")
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, title=_("恢复码"))
