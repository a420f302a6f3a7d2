"""Findings (专业意见) through the door: the bureau adopts a body's or a panel's finding, or
overrides it with a reason and its own conclusion. Where a body is appointed for acceptance
testing (or a panel's acceptance finding is on file), the 榜's 验收 passes only on a decided
acceptance finding whose conclusion is a pass."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..awarding.flows import ACCEPTANCE
from ..extensions import db
from ..models import Acceptance, BodyAppointment, Finding
from ..notices import mailed, tell
from ..states import FINDING_TRANSITIONS, BodyPurpose, FindingSource, FindingState
from ..workflow import Context, Workflow, bureau_only, register

FINDING = register(Workflow(Finding, FINDING_TRANSITIONS, bureau_only))


def finding_link(finding: Finding) -> str:
    return f"/findings/{finding.id}"


def _body(finding: Finding) -> list[int]:
    """the body that recorded it"""
    return [finding.body_id] if finding.source is FindingSource.BODY and finding.body_id else []


def adopt_conclusion(finding: Finding, ctx: Context) -> None:
    """Stamps decided_at; the bureau's conclusion is the finding's."""
    finding.decided_at = ctx.now
    finding.final_passed = finding.passed


def conclusion_given(finding: Finding, ctx: Context) -> list[str]:
    """The bureau states its own conclusion (parameter passed: True or False)."""
    if not isinstance(ctx.params.get("passed"), bool):
        return [_("请选择科技局改判后的结论。")]
    return []


def own_conclusion(finding: Finding, ctx: Context) -> None:
    """Stamps decided_at; the bureau's conclusion is its own (parameter passed)."""
    finding.decided_at = ctx.now
    finding.final_passed = ctx.params["passed"]


(FINDING
 .on("adopt", effect=adopt_conclusion,
     notice=mailed(tell(_l("科技局已采纳您对「%(title)s」提交的专业意见。"), _body, finding_link)))
 .on("override", guard=conclusion_given, effect=own_conclusion,
     notice=mailed(tell(_l("科技局未采纳您对「%(title)s」提交的专业意见：%(reason)s"), _body,
                        finding_link))))


def acceptance_findings_problem(acceptance: Acceptance, ctx: Context) -> list[str]:
    """Where a body is appointed for acceptance testing, or an acceptance finding is on file:
    every such finding decided by the bureau, the latest one's conclusion a pass."""
    challenge_id = acceptance.contract.challenge_id
    findings = db.session.scalars(select(Finding).where(
        Finding.challenge_id == challenge_id, Finding.purpose == BodyPurpose.ACCEPTANCE)
        .order_by(Finding.id)).all()
    appointed = db.session.scalar(select(BodyAppointment.id).where(
        BodyAppointment.challenge_id == challenge_id,
        BodyAppointment.purpose == BodyPurpose.ACCEPTANCE,
        BodyAppointment.ended_at.is_(None)).limit(1)) is not None
    if not findings:
        return [_("已委托专业机构进行验收测试，其测试意见尚未提交。")] if appointed else []
    if any(f.state is FindingState.SUBMITTED for f in findings):
        return [_("验收测试意见尚待科技局采纳或改判。")]
    if not findings[-1].final_passed:
        return [_("科技局认定的验收测试结论为不通过，不能认定验收通过。")]
    return []


ACCEPTANCE.on("pass", guard=acceptance_findings_problem)
