from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..extensions import db
from ..forms_common import options
from ..models import Organization, User
from ..states import OrgType, Role
from ..validators import MOBILE_RE, is_valid_credit_code
from .passwords import password_problem


def password_rules(form, field):
    """The shared password rules; the e-mail is the form's own field or the account's."""
    email = getattr(getattr(form, "email", None), "data", None) or getattr(form, "account_email", "")
    problem = password_problem(field.data or "", email or "")
    if problem:
        raise ValidationError(problem)


class TermsConsentForm(FlaskForm):
    """The user agreement and privacy policy, accepted at registration (version recorded)."""

    accept_terms = BooleanField(_l("我已阅读并同意《用户协议》和《隐私政策》"), validators=[
        DataRequired(_l("请阅读并同意用户协议和隐私政策。"))])


class LoginForm(FlaskForm):
    login = StringField(_l("邮箱或手机号"), validators=[DataRequired(_l("请输入邮箱或手机号。"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。"))])
    remember = BooleanField(_l("记住我"))



class RegisterForm(TermsConsentForm):
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
    org_name = StringField(_l("单位名称"), validators=[
        DataRequired(_l("请输入单位全称。")), Length(min=2, max=100)])
    org_type = SelectField(_l("单位类型"), choices=options(OrgType))
    region = StringField(_l("所在地区"), validators=[DataRequired(_l("请输入所在地区。")),
                                                  Length(max=60)])
    credit_code = StringField(_l("统一社会信用代码"), validators=[Optional(), Length(max=18)])

    existing_org: Organization | None = None

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

    def validate_credit_code(self, field):
        field.data = (field.data or "").strip().upper()
        if field.data and not is_valid_credit_code(field.data):
            raise ValidationError(_l("统一社会信用代码格式或校验位不正确。"))

    def validate_org_name(self, field):
        field.data = field.data.strip()
        org = db.session.scalar(select(Organization).where(Organization.name == field.data))
        if org is None:
            return
        # Joining an existing enterprise would expose its confidential 榜; accounts for a
        # registered enterprise are added by the bureau instead.
        if self.role.data == Role.ENTERPRISE.value:
            raise ValidationError(_l("该企业已注册。如需为本单位新增账号，请联系科技局管理员。"))
        if org.type.value != self.org_type.data:
            raise ValidationError(_l("该单位已登记为「%(t)s」，请选择一致的单位类型。",
                                     t=org.type.label))
        self.existing_org = org

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.role.data == Role.ENTERPRISE.value:
            if self.org_type.data != OrgType.ENTERPRISE.value:
                self.org_type.errors.append(_l("发榜方的单位类型应为「企业」。"))
                ok = False
            if not self.credit_code.data and not self.credit_code.errors:
                self.credit_code.errors.append(_l("发榜企业须填写统一社会信用代码。"))
                ok = False
        if (ok and self.credit_code.data and self.existing_org is None and db.session.scalar(
                select(Organization.id).where(Organization.credit_code == self.credit_code.data))):
            self.credit_code.errors.append(_l("该统一社会信用代码已被其他单位使用。"))
            ok = False
        return ok


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))])
    password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码。")),
                                                     password_rules])
    confirm = PasswordField(_l("确认新密码"), validators=[
        DataRequired(_l("请再次输入新密码。")), EqualTo("password", _l("两次输入的密码不一致。"))])

    account_email = ""  # set by the view: the password may not contain it


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("注册邮箱"), validators=[
        DataRequired(_l("请输入邮箱。")), Email(_l("邮箱格式不正确。")), Length(max=120)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码。")),
                                                     password_rules])
    confirm = PasswordField(_l("确认新密码"), validators=[
        DataRequired(_l("请再次输入新密码。")), EqualTo("password", _l("两次输入的密码不一致。"))])

    account_email = ""  # set by the view: the password may not contain it


class TwoFactorForm(FlaskForm):
    code = StringField(_l("验证码或恢复码"), validators=[
        DataRequired(_l("请输入身份验证器中的 6 位验证码，或一个恢复码。")), Length(max=20)])


class TwoFactorSetupForm(FlaskForm):
    code = StringField(_l("6 位验证码"), validators=[
        DataRequired(_l("请输入身份验证器显示的 6 位验证码。")), Length(max=10)])


class TwoFactorDisableForm(FlaskForm):
    password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))])
    code = StringField(_l("验证码或恢复码"), validators=[
        DataRequired(_l("请输入 6 位验证码或一个恢复码。")), Length(max=20)])
