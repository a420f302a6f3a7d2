"""Integrity (失信) findings: recorded by the bureau against an organisation or a person, one
objection by the party, the bureau's answer, publication on the public organisation page.
Each step is audited (`record`) and told to the other side; the caller commits."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import Refused
from ..extensions import db
from ..models import DiligenceFile, IntegrityRecord, Notification, Organization, User
from ..notices import admin_user_ids
from ..permissions import can_answer_objection, can_object_to_finding, is_admin
from ..states import Role
from ..timeutil import utcnow
from ..uploads import remove_when_deleted, store_upload, stored_path
from ..workflow import record

OBJECT_TYPE = "integrity_record"
MAX_FILES = 10
LINK = "/integrity/mine"


@dataclass(frozen=True)
class FindingInput:
    grade: object  # IntegrityGrade
    reason: str
    evidence: str
    starts_on: date
    expires_on: date
    published: bool = False


def party_user_ids(finding: IntegrityRecord) -> list[int]:
    """the person, or the recorded organisation's members"""
    if finding.user_id is not None:
        return [finding.user_id]
    return list(db.session.scalars(select(User.id).where(
        User.organization_id == finding.organization_id, User.role.in_((Role.ENTERPRISE, Role.SOLVER)),
        User.active.is_(True))))


def _tell(user_ids, text) -> None:
    for user_id in user_ids:
        db.session.add(Notification(user_id=user_id, message=text, link=LINK))


def record_finding(admin: User, values: FindingInput, *, organization: Organization | None = None,
                   person: User | None = None, contract_id: int | None = None,
                   now: datetime | None = None) -> IntegrityRecord:
    if not is_admin(admin):
        raise Refused(_("只有科技局可以记录失信行为。"))
    if (organization is None) == (person is None):
        raise Refused(_("请选择一个单位或一位个人。"), "party")
    if not values.reason.strip():
        raise Refused(_("请填写失信事由。"), "reason")
    if values.expires_on <= values.starts_on:
        raise Refused(_("失效日期须晚于生效日期。"), "expires_on")
    finding = IntegrityRecord(
        organization_id=organization.id if organization else None,
        user_id=person.id if person else None, contract_id=contract_id, grade=values.grade,
        reason=values.reason.strip(), evidence=values.evidence.strip(),
        starts_on=values.starts_on, expires_on=values.expires_on, published=values.published,
        recorded_by_id=admin.id, recorded_at=now or utcnow())
    db.session.add(finding)
    db.session.flush()
    record(finding, "record_finding", admin, object_type=OBJECT_TYPE, now=now, changes={
        "party": [None, (organization or person).name], "grade": [None, values.grade.value],
        "starts_on": [None, values.starts_on.isoformat()],
        "expires_on": [None, values.expires_on.isoformat()], "published": [None, values.published]})
    _tell(party_user_ids(finding), _l("科技局记录了对「%(party)s」的失信行为（%(grade)s），至 %(until)s。"
                                      "如有异议，可提出一次。", party=finding.party_name,
                                      grade=values.grade.label, until=values.expires_on.isoformat()))
    return finding


def add_file(finding: IntegrityRecord, admin: User, upload) -> DiligenceFile:
    if not is_admin(admin):
        raise Refused(_("只有科技局可以上传证据材料。"))
    if len(finding.files) >= MAX_FILES:
        raise Refused(_("最多 %(n)d 个附件。", n=MAX_FILES), "file")
    stored = store_upload(upload, "diligence")
    item = DiligenceFile(record=finding, original_name=stored.original_name,
                         stored_name=stored.stored_name, content_type=stored.content_type,
                         size=stored.size, uploaded_by_id=admin.id)
    db.session.add(item)
    db.session.flush()
    record(finding, "attach", admin, object_type=OBJECT_TYPE,
           changes={"file": [None, item.original_name]})
    return item


def file_path(item: DiligenceFile):
    return stored_path("diligence", item.stored_name)


remove_when_deleted(DiligenceFile, "diligence")


def object_to(finding: IntegrityRecord, user: User, text: str, now: datetime | None = None) -> None:
    """The party's one objection."""
    text = (text or "").strip()
    if finding.objected_at is not None:
        raise Refused(_("异议只能提出一次，已于 %(d)s 提出。", d=finding.objected_at.date().isoformat()))
    if not can_object_to_finding(user, finding):
        raise Refused(_("只有被记录的个人或该单位的管理员可以提出异议。"))
    if not text:
        raise Refused(_("请填写异议理由。"), "text")
    finding.objection, finding.objected_by_id, finding.objected_at = text, user.id, now or utcnow()
    db.session.flush()
    record(finding, "object", user, reason=text, object_type=OBJECT_TYPE, now=now)
    _tell(admin_user_ids(), _l("「%(party)s」对失信记录提出了异议。", party=finding.party_name))


def answer_objection(finding: IntegrityRecord, admin: User, text: str,
                     now: datetime | None = None) -> None:
    """The bureau's recorded answer (the finding stands; to end it early is another matter)."""
    text = (text or "").strip()
    if not can_answer_objection(admin, finding):
        raise Refused(_("没有待答复的异议。"))
    if not text:
        raise Refused(_("请填写答复意见。"), "text")
    finding.answer, finding.answered_by_id, finding.answered_at = text, admin.id, now or utcnow()
    db.session.flush()
    record(finding, "answer_objection", admin, reason=text, object_type=OBJECT_TYPE, now=now)
    _tell(party_user_ids(finding), _l("科技局已答复您对失信记录的异议。"))


def set_published(finding: IntegrityRecord, admin: User, published: bool) -> None:
    if not is_admin(admin):
        raise Refused(_("只有科技局可以公开失信记录。"))
    if finding.published != published:
        record(finding, "publish" if published else "unpublish", admin, object_type=OBJECT_TYPE,
               changes={"published": [finding.published, published]})
        finding.published = published
        db.session.flush()


__all__ = ["FindingInput", "Refused", "record_finding", "add_file", "file_path", "object_to",
           "answer_objection", "set_published", "party_user_ids"]
