from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..extensions import db
from ..forms_common import AppForm, options
from ..locales import LOCALES
from ..models import User
from ..orgs.forms import OrganisationPart
from ..states import Role
from ..validators import MOBILE_RE
from .passwords import password_problem


def password_rules(form, field):
    """The shared password rules; the e-mail is the form's own field or the account's."""
    email = getattr(getattr(form, "email", None), "data", None) or getattr(form, "account_email", "")
    problem = password_problem(field.data or "", email or "")
    if problem:
        raise ValidationError(problem)


class TermsConsentForm(AppForm):
    """The user agreement and privacy policy, accepted at registration (version recorded)."""

    accept_terms = BooleanField(_l("我已阅读并同意《用户协议》和《隐私政策》"), validators=[
        DataRequired(_l("请阅读并同意用户协议和隐私政策。"))])


class LoginForm(AppForm):
    login = StringField(_l("邮箱或手机号"), validators=[DataRequired(_l("请输入邮箱或手机号。"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。"))])
    remember = BooleanField(_l("记住我"))



class RegisterForm(OrganisationPart, TermsConsentForm):
    role = RadioField(_l("注册身份"), choices=options([
        (Role.ENTERPRISE.value, _l("发榜方：企业，发布技术需求")),
        (Role.SOLVER.value, _l("揭榜方：高校、院所、企业或团队的研发人员")),
    ]), validators=[DataRequired(_l("请选择注册身份。"))])
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名。")), Length(max=50)])
    email = EmailField(_l("邮箱"), validators=[
        DataRequired(_l("请输入邮箱。")), Email(_l("邮箱格式不正确。")), Length(max=120)])
    phone = StringField(_l("手机号（可选）"), validators=[Optional(), Length(max=20)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。")),
                                                    password_rules])
    confirm = PasswordField(_l("确认密码"), validators=[
        DataRequired(_l("请再次输入密码。")), EqualTo("password", _l("两次输入的密码不一致。"))])

    def validate_email(self, field):
        field.data = field.data.strip().lower()
        if db.session.scalar(select(User.id).where(func.lower(User.email) == field.data)):
            raise ValidationError(_l("该邮箱已注册，请直接登录。"))

    def validate_phone(self, field):
        field.data = (field.data or "").strip()
        if not MOBILE_RE.match(field.data):
            raise ValidationError(_l("请输入 11 位手机号。"))
        if db.session.scalar(select(User.id).where(User.phone == field.data)):
            raise ValidationError(_l("该手机号已注册。"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # The organisation half (challenge.orgs.forms): new organisation, join request or invitation.
        return self.validate_organisation(self.role.data) and ok


class PasswordChangeForm(AppForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))])
    password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码。")),
                                                     password_rules])
    confirm = PasswordField(_l("确认新密码"), validators=[
        DataRequired(_l("请再次输入新密码。")), EqualTo("password", _l("两次输入的密码不一致。"))])

    account_email = ""  # set by the view: the password may not contain it


class ForgotPasswordForm(AppForm):
    email = EmailField(_l("注册邮箱"), validators=[
        DataRequired(_l("请输入邮箱。")), Email(_l("邮箱格式不正确。")), Length(max=120)])


class ResetPasswordForm(AppForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码。")),
                                                     password_rules])
    confirm = PasswordField(_l("确认新密码"), validators=[
        DataRequired(_l("请再次输入新密码。")), EqualTo("password", _l("两次输入的密码不一致。"))])

    account_email = ""  # set by the view: the password may not contain it


class TwoFactorForm(AppForm):
    code = StringField(_l("验证码或恢复码"), validators=[
        DataRequired(_l("请输入身份验证器中的 6 位验证码，或一个恢复码。")), Length(max=20)])


class TwoFactorSetupForm(AppForm):
    code = StringField(_l("6 位验证码"), validators=[
        DataRequired(_l("请输入身份验证器显示的 6 位验证码。")), Length(max=10)])


class TwoFactorDisableForm(AppForm):
    password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))])
    code = StringField(_l("验证码或恢复码"), validators=[
        DataRequired(_l("请输入 6 位验证码或一个恢复码。")), Length(max=20)])


# Each language is named in itself, so a reader finds theirs whatever the page's language.
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


class LanguageForm(AppForm):
    """The language of the pages and of the e-mails and notices sent to this account."""

    locale = SelectField(_l("界面和邮件语言"), validators=[DataRequired()],
                         choices=options((code, LANGUAGE_NAMES[code]) for code in LOCALES))
