"""Organisation forms. `OrganisationPart` is the organisation half of registration (also the
page where someone without an organisation registers one or asks to join): register a new
organisation, ask to join a registered one, or arrive with an invitation."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..extensions import db
from ..forms_common import AppForm, options
from ..models import Organization, OrgInvitation
from ..states import OrgType, Role
from ..validators import is_valid_credit_code
from . import operations as ops
from .placement import JOIN, NEW


class OrganisationPart:
    """Fields and checks of the organisation half; `validate_organisation(role)` runs after the
    field validators and leaves what it found in `existing_org` / `invitation`."""

    org_choice = RadioField(_l("所在单位"), default=NEW, choices=options([
        (NEW, _l("登记新单位（我是本单位第一位注册人，将成为单位管理员）")),
        (JOIN, _l("申请加入已登记的单位（由单位管理员审核）")),
    ]))
    org_name = StringField(_l("单位名称"), validators=[Optional(), Length(min=2, max=100)])
    # Checked below, and only for a new organisation (an invitation or a join request has none).
    org_type = SelectField(_l("单位类型"), choices=options(OrgType), validate_choice=False)
    region = StringField(_l("所在地区"), validators=[Optional(), Length(max=60)])
    credit_code = StringField(_l("统一社会信用代码"), validators=[Optional(), Length(max=18)])
    licence = FileField(_l("营业执照或法人证书（PDF 或图片）"))
    join_note = TextAreaField(_l("申请说明（可选）"), validators=[Optional(), Length(max=500)])
    invite = HiddenField()

    existing_org: Organization | None = None
    invitation: OrgInvitation | None = None
    invite_error: str = ""

    def load_invitation(self) -> None:
        """The invitation the hidden field carries (from the e-mailed link), if any."""
        if self.invite.data:
            self.invitation, self.invite_error = ops.invitation_from_token(self.invite.data)

    def _required(self, field, message) -> bool:
        field.data = (field.data or "").strip()
        if not field.data and not field.errors:
            field.errors.append(message)
        return bool(field.data)

    def validate_organisation(self, role: str) -> bool:
        self.load_invitation()
        if self.invite.data:
            if self.invitation is None:  # shown once; the next submit registers without it
                self.invite.data = ""
                return False
            email = getattr(self, "email", None)
            if email is not None and (email.data or "").strip().lower() != self.invitation.email:
                email.errors.append(_l("邀请发给 %(e)s，请用该邮箱注册。", e=self.invitation.email))
                return False
            if role == Role.ENTERPRISE.value and self.invitation.organization.type is not OrgType.ENTERPRISE:
                getattr(self, "role", self.org_choice).errors.append(
                    _l("该单位不是企业，请以揭榜方身份注册。"))
                return False
            return True
        if not self._required(self.org_name, _l("请输入单位全称。")) or self.org_name.errors:
            return False
        org = ops.find_org(self.org_name.data)
        if self.org_choice.data == JOIN:
            if org is None:
                self.org_name.errors.append(_l("没有找到该单位，请核对全称，或选择「登记新单位」。"))
                return False
            if role == Role.ENTERPRISE.value and org.type is not OrgType.ENTERPRISE:
                self.org_name.errors.append(_l("发榜方只能加入企业。"))
                return False
            self.existing_org = org
            return True
        if org is not None:
            self.org_name.errors.append(_l(
                "该单位已登记。如您属于该单位，请选择「申请加入」，或请单位管理员邀请您。"))
            return False
        ok = self._required(self.region, _l("请输入所在地区。")) and not self.region.errors
        if self.org_type.data not in {t.value for t in OrgType}:
            self.org_type.errors.append(_l("请选择单位类型。"))
            ok = False
        elif role == Role.ENTERPRISE.value and self.org_type.data != OrgType.ENTERPRISE.value:
            self.org_type.errors.append(_l("发榜方的单位类型应为「企业」。"))
            ok = False
        self.credit_code.data = (self.credit_code.data or "").strip().upper()
        if not self._required(self.credit_code, _l("新登记的单位须填写统一社会信用代码。")):
            ok = False
        elif not is_valid_credit_code(self.credit_code.data):
            self.credit_code.errors.append(_l("统一社会信用代码格式或校验位不正确。"))
            ok = False
        elif db.session.scalar(db.select(Organization.id).where(
                Organization.credit_code == self.credit_code.data)):
            self.credit_code.errors.append(_l("该统一社会信用代码已被其他单位使用。"))
            ok = False
        return ok


class OrganisationForm(OrganisationPart, AppForm):
    """For a signed-in account with no organisation (its request refused, or removed)."""


class OrgDetailsForm(AppForm):
    """What the org admin may correct while the bureau has not verified the organisation."""

    name = StringField(_l("单位名称"), validators=[DataRequired(_l("请输入单位全称。")),
                                                Length(min=2, max=100)])
    region = StringField(_l("所在地区"), validators=[DataRequired(_l("请输入所在地区。")), Length(max=60)])
    credit_code = StringField(_l("统一社会信用代码"), validators=[
        DataRequired(_l("请填写统一社会信用代码。")), Length(max=18)])

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org

    def validate_name(self, field):
        field.data = field.data.strip()
        other = ops.find_org(field.data)
        if other is not None and other.id != self.org.id:
            raise ValidationError(_l("该名称已被其他单位登记。"))

    def validate_credit_code(self, field):
        field.data = field.data.strip().upper()
        if not is_valid_credit_code(field.data):
            raise ValidationError(_l("统一社会信用代码格式或校验位不正确。"))
        other = db.session.scalar(db.select(Organization.id).where(
            Organization.credit_code == field.data))
        if other is not None and other != self.org.id:
            raise ValidationError(_l("该统一社会信用代码已被其他单位使用。"))


class LicenceForm(AppForm):
    licence = FileField(_l("营业执照或法人证书"), validators=[FileRequired(_l("请选择文件。"))])


class InviteForm(AppForm):
    email = EmailField(_l("被邀请人邮箱"), validators=[
        DataRequired(_l("请输入邮箱。")), Email(_l("邮箱格式不正确。")), Length(max=120)])


class DecisionForm(AppForm):
    reason = TextAreaField(_l("理由（拒绝时必填）"), validators=[Optional(), Length(max=1000)])


class AcceptInvitationForm(AppForm):
    """The button on the invitation page (CSRF-protected)."""
