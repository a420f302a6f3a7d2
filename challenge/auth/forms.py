from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..extensions import db
from ..forms_common import AppForm, options
from ..models import Organization, User
from ..states import OrgType, Role
from ..validators import MOBILE_RE, is_valid_credit_code


def password_rules(form, field):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_l("密码至少需要 %(n)d 个字符。", n=minimum))
    if len(field.data) > 128:
        raise ValidationError(_l("密码不能超过 128 个字符。"))


class LoginForm(AppForm):
    login = StringField(_l("邮箱或手机号"), validators=[DataRequired(_l("请输入邮箱或手机号。"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。"))])
    remember = BooleanField(_l("记住我"))



class RegisterForm(AppForm):
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


class PasswordChangeForm(AppForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))])
    password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码。")),
                                                     password_rules])
    confirm = PasswordField(_l("确认新密码"), validators=[
        DataRequired(_l("请再次输入新密码。")), EqualTo("password", _l("两次输入的密码不一致。"))])
