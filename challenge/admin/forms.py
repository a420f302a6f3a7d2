from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..auth.forms import password_rules
from ..extensions import db
from ..forms_common import AppForm, options
from ..models import User
from ..states import OrgType, Role


class UserCreateForm(AppForm):
    role = SelectField(_l("角色"), choices=options([(Role.REVIEWER.value, _l("评审专家")),
                                             (Role.ADMIN.value, _l("管理员")),
                                             (Role.ENTERPRISE.value, _l("发榜方（企业）")),
                                             (Role.SOLVER.value, _l("揭榜方")),
                                             (Role.BODY.value, _l("专业机构"))]))
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名。")), Length(max=50)])
    email = EmailField(_l("邮箱"), validators=[
        DataRequired(_l("请输入邮箱。")), Email(_l("邮箱格式不正确。")), Length(max=120)])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(_l("请输入初始密码。")),
                                                      password_rules])
    org_name = StringField(_l("单位名称"), validators=[
        DataRequired(_l("请输入单位全称。")), Length(min=2, max=100)])
    org_type = SelectField(_l("单位类型（新单位时使用）"), choices=options(OrgType))
    region = StringField(_l("所在地区（新单位时使用）"), validators=[Optional(), Length(max=60)])
    title = StringField(_l("职称（评审专家）"), validators=[Optional(), Length(max=50)])
    fields = StringField(_l("研究领域（评审专家，逗号分隔）"), validators=[Optional(), Length(max=300)])

    def validate_email(self, field):
        field.data = field.data.strip().lower()
        if db.session.scalar(select(User.id).where(func.lower(User.email) == field.data)):
            raise ValidationError(_l("该邮箱已被使用。"))
