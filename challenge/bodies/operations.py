"""What the views call: appoint a body to a 榜 (and end it), record a finding (a body's own, or
an expert panel's by the bureau), adopt or override it (through the door)."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import permissions as can
from ..errors import Refused
from ..extensions import db
from ..locales import later
from ..locking import lock_for_write
from ..models import (
    BodyAppointment,
    Challenge,
    Contract,
    Finding,
    FindingFile,
    FindingItem,
    Notification,
    User,
)
from ..notices import admin_user_ids
from ..states import BodyPurpose, FindingSource, FindingState, Role
from ..timeutil import utcnow
from ..uploads import remove_when_deleted, store_upload, stored_path
from ..workflow import perform, record
from .flows import finding_link

MAX_FILES = 10
FILE_AREA = "findings"
remove_when_deleted(FindingFile, FILE_AREA)  # a deleted report leaves the disk


def bodies() -> list[User]:
    """Every active body account, for the appointment form."""
    return list(db.session.scalars(select(User).where(User.role == Role.BODY,
                                                      User.active.is_(True)).order_by(User.name)))


def body_name(body: User) -> str:
    """A body account as the bureau knows it: its organisation's name, else the account's."""
    return body.organization.name if body.organization else body.name


def appointments(challenge: Challenge) -> list[BodyAppointment]:
    return list(db.session.scalars(select(BodyAppointment).where(
        BodyAppointment.challenge_id == challenge.id).order_by(BodyAppointment.id)))


def my_appointments(user: User) -> list[BodyAppointment]:
    return list(db.session.scalars(select(BodyAppointment).where(
        BodyAppointment.body_id == user.id, BodyAppointment.ended_at.is_(None))
        .order_by(BodyAppointment.id.desc())))


def contracts(challenge: Challenge) -> list[Contract]:
    return list(db.session.scalars(select(Contract).where(Contract.challenge_id == challenge.id)
                                   .order_by(Contract.id)))


def findings(challenge: Challenge, body: User | None = None) -> list[Finding]:
    """A 榜's findings, newest first; only *body*'s own when given."""
    query = select(Finding).where(Finding.challenge_id == challenge.id)
    if body is not None:
        query = query.where(Finding.body_id == body.id)
    return list(db.session.scalars(query.order_by(Finding.id.desc())))


def _notify(user_ids, message, challenge: Challenge, link: str) -> None:
    text = later(message, {"title": challenge.title, "reason": ""})
    for uid in user_ids:
        db.session.add(Notification(user_id=uid, message=text, link=link))


def appoint(challenge: Challenge, admin: User, body_id: int | None,
            purpose: BodyPurpose) -> BodyAppointment:
    if not can.can_manage_bodies(admin, challenge):
        raise Refused(_("当前状态下不能委托专业机构。"))
    body = db.session.get(User, body_id) if body_id else None
    if body is None or body.role is not Role.BODY or not body.active:
        raise Refused(_("请选择一个在用的专业机构账号。"), "body")
    lock_for_write(Challenge, challenge.id)
    found = db.session.scalar(select(BodyAppointment).where(
        BodyAppointment.challenge_id == challenge.id, BodyAppointment.body_id == body.id,
        BodyAppointment.purpose == purpose))
    if found is not None and found.ended_at is None:
        raise Refused(_("该机构已受托承担本榜的「%(p)s」。", p=purpose.label), "body")
    if found is None:
        found = BodyAppointment(challenge_id=challenge.id, body_id=body.id, purpose=purpose,
                                appointed_by_id=admin.id)
        db.session.add(found)
    else:  # appointed again after an end
        found.ended_at = None
        found.appointed_by_id = admin.id
    db.session.flush()
    record(found, "appoint_body", admin, object_type="body_appointment",
           changes={"body": [None, body.name], "purpose": [None, purpose.value],
                    "challenge": [None, challenge.id]})
    _notify([body.id], _l("科技局委托贵机构承担「%(title)s」的专业工作，请登录查看。"), challenge,
            "/body/")
    return found


def end_appointment(appointment: BodyAppointment, admin: User) -> None:
    if not can.is_admin(admin):
        raise Refused(_("您没有权限解除委托。"))
    if appointment.ended_at is not None:
        raise Refused(_("该委托已解除。"))
    appointment.ended_at = utcnow()
    record(appointment, "end_appointment", admin, object_type="body_appointment",
           changes={"ended_at": [None, appointment.ended_at.isoformat()]})


@dataclass
class FindingInput:
    """What the finding form sends: per indicator (indicator id -> (measured value, passed or
    None when not judged)), the overall conclusion and, for a panel, its members' names."""

    summary: str = ""
    passed: bool | None = None
    items: dict[int, tuple[str, bool | None]] = field(default_factory=dict)
    panel_names: str = ""
    uploads: list = field(default_factory=list)


def finding_problems(challenge: Challenge, purpose: BodyPurpose, data: FindingInput,
                     panel: bool) -> dict[str, list[str]]:
    """Field -> problems (nothing refused silently; an empty dict: the finding may be recorded)."""
    found: dict[str, list[str]] = {}
    if panel and not data.panel_names.strip():
        found["panel_names"] = [_("请填写专家组成员姓名。")]
    if not data.summary.strip():
        found["summary"] = [_("请填写意见内容。")]
    if data.passed is None:
        found["passed"] = [_("请选择结论。")]
    if purpose is BodyPurpose.ACCEPTANCE:
        gaps = []
        for indicator in challenge.indicators:
            measured, met = data.items.get(indicator.id, ("", None))
            if not measured.strip() or met is None:
                gaps.append(_("指标「%(name)s」需填写实测值并判定是否达标。", name=indicator.name))
        if gaps:
            found["items"] = gaps
        elif data.passed and any(not data.items[i.id][1] for i in challenge.indicators):
            found["passed"] = [_("有指标未达标，结论不能为通过。")]
        if not data.uploads:
            found["files"] = [_("请上传测试报告。")]
    if len(data.uploads) > MAX_FILES:
        found["files"] = [_("最多 %(n)d 个附件。", n=MAX_FILES)]
    return found


def record_finding(challenge: Challenge, user: User, purpose: BodyPurpose,
                   data: FindingInput) -> Finding:
    """A body records its own finding; the bureau records an expert panel's."""
    if not can.can_record_finding(user, challenge, purpose):
        raise Refused(_("您不能在本榜当前阶段提交「%(p)s」。", p=purpose.label))
    panel = user.role is Role.ADMIN
    problems = finding_problems(challenge, purpose, data, panel)
    if problems:  # the view shows each next to its field first; here: all of them, at once
        raise Refused(items=[p for ps in problems.values() for p in ps],
                      field=next(iter(problems)) if len(problems) == 1 else None)
    lock_for_write(Challenge, challenge.id)
    finding = Finding(challenge_id=challenge.id, purpose=purpose,
                      source=FindingSource.PANEL if panel else FindingSource.BODY,
                      body_id=None if panel else user.id,
                      panel_names=data.panel_names.strip()[:300] if panel else "",
                      recorded_by_id=user.id, summary=data.summary.strip(),
                      passed=bool(data.passed), state=FindingState.SUBMITTED)
    if purpose is BodyPurpose.ACCEPTANCE:
        finding.items = [FindingItem(indicator_id=i.id, position=n,
                                     measured_value=data.items[i.id][0].strip()[:100],
                                     passed=bool(data.items[i.id][1]))
                         for n, i in enumerate(challenge.indicators)]
    db.session.add(finding)
    db.session.flush()
    for upload in data.uploads:
        stored = store_upload(upload, FILE_AREA)  # or UploadError, a Refused on the file field
        finding.files.append(FindingFile(
            original_name=stored.original_name, stored_name=stored.stored_name,
            content_type=stored.content_type, size=stored.size, uploaded_by_id=user.id))
    db.session.flush()
    changes = {"purpose": [None, purpose.value], "passed": [None, finding.passed],
               "files": [None, [f.original_name for f in finding.files]]}
    if finding.items:
        changes["items"] = [None, {item.indicator.name: [item.measured_value, item.passed]
                                   for item in finding.items}]
    record(finding, "record_finding", user, to_state=finding.state, changes=changes)
    if not panel:
        _notify(admin_user_ids(), _l("专业机构已提交「%(title)s」的专业意见，请采纳或改判。"),
                challenge, finding_link(finding))
    return finding


def adopt(finding: Finding, admin: User) -> None:
    perform(finding, "adopt", admin)


def override(finding: Finding, admin: User, reason: str, passed: bool | None) -> None:
    perform(finding, "override", admin, reason=reason, passed=passed)


def file_path(item: FindingFile):
    return stored_path(FILE_AREA, item.stored_name)
