"""Outcome reports: the schedule made concrete (one row per report owed), the reminders the
job sends, and a party's submission. A submitted report is final; each step is audited on the
contract."""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..errors import Refused
from ..extensions import db
from ..locales import later
from ..models import Contract, Notification, OutcomeReport, User
from ..notices import admin_user_ids, mailed
from ..permissions import can_report_outcome
from ..states import SYSTEM, ContractState, Role
from ..timeutil import local_today, utcnow
from ..workflow import Context, record
from .rules import patents_problem, registration_problem, reminder_due, schedule

REMIND_AHEAD_DAYS = 30  # default of OUTCOME_REMIND_AHEAD_DAYS


def outcomes_link(obj) -> str:
    contract = obj if isinstance(obj, Contract) else obj.contract
    return f"/contracts/{contract.id}/outcomes"


def party_user_ids(report: OutcomeReport) -> list[int]:
    """the reporting organisation"""
    role = Role.SOLVER if report.party == "solver" else Role.ENTERPRISE
    return list(db.session.scalars(select(User.id).where(
        User.organization_id == report.organization_id, User.role == role, User.active.is_(True))))


def reports_of(contract: Contract) -> list[OutcomeReport]:
    """The contract's reports, scheduled rows included, by due date then party."""
    return list(db.session.scalars(select(OutcomeReport).where(
        OutcomeReport.contract_id == contract.id).order_by(OutcomeReport.year, OutcomeReport.party)))


def ensure_schedule(contract: Contract) -> list[OutcomeReport]:
    """Create the rows an accepted contract owes and does not have yet: one INSERT … ON CONFLICT
    DO NOTHING on the unique (contract, party, year), so two nodes (or two requests) scheduling
    at once leave one row each and neither fails."""
    slots = schedule(contract)
    if slots:
        insert = (postgresql_insert if db.session.get_bind().dialect.name == "postgresql"
                  else sqlite_insert)
        db.session.execute(insert(OutcomeReport).values([
            {"contract_id": contract.id, "party": slot.party, "year": slot.year,
             "due_on": slot.due_on, "organization_id": slot.organization_id} for slot in slots])
            .on_conflict_do_nothing(index_elements=["contract_id", "party", "year"]))
    return reports_of(contract)


def report_for(contract: Contract, party: str, year: int) -> OutcomeReport | None:
    return next((r for r in ensure_schedule(contract) if r.party == party and r.year == year), None)


def _tell(report: OutcomeReport, actor, text, values: dict, recipients) -> None:
    """In-app and by e-mail, each in the recipient's language (*text* a lazy string with
    %(title)s and the places in *values*)."""
    message = later(text, {"title": report.challenge.title, **values})

    def notices(obj, ctx):
        return [(uid, message, outcomes_link(obj)) for uid in recipients(obj) if uid != ctx.actor_id]
    for user_id, message_, link in mailed(notices)(report, Context(actor, utcnow(), "", {})):
        db.session.add(Notification(user_id=user_id, message=message_, link=link))


def remind_outcomes(today: date | None = None) -> int:
    """Schedule the reports of every accepted contract, then remind each party of a report
    falling due within the configured days (once), and again once it is overdue (once, the
    bureau told too). The row's reminded_on is set in the same transaction, under its version
    column, so two nodes remind once."""
    today = today or local_today()
    ahead = int(current_app.config.get("OUTCOME_REMIND_AHEAD_DAYS", REMIND_AHEAD_DAYS))
    unscheduled = db.session.scalars(select(Contract).where(
        Contract.state == ContractState.ACCEPTED,
        ~select(OutcomeReport.id).where(OutcomeReport.contract_id == Contract.id).exists())).all()
    for contract in unscheduled:
        ensure_schedule(contract)
    candidates = db.session.scalars(select(OutcomeReport).where(
        OutcomeReport.submitted_at.is_(None),
        or_(OutcomeReport.reminded_on.is_(None), OutcomeReport.reminded_on <= OutcomeReport.due_on))
        .order_by(OutcomeReport.due_on, OutcomeReport.id)).all()
    sent = 0
    for report in candidates:
        if not reminder_due(report.due_on, report.reminded_on, today, ahead):
            continue
        overdue = today > report.due_on
        report.reminded_on = today
        values = {"n": report.year, "d": report.due_on.isoformat()}
        if overdue:
            _tell(report, SYSTEM, _l("「%(title)s」验收后第 %(n)s 年的成果报告已于 %(d)s 到期，尚未提交。"),
                  values, lambda r: party_user_ids(r) + admin_user_ids())
        else:
            _tell(report, SYSTEM, _l("「%(title)s」验收后第 %(n)s 年的成果报告将于 %(d)s 到期，请按时填报。"),
                  values, party_user_ids)
        record(report.contract, "remind_outcome", SYSTEM, changes={
            "report": [None, report.id], "party": [None, report.party], "year": [None, report.year],
            "overdue": [None, overdue]})
        sent += 1
    db.session.flush()
    return sent


@dataclass(frozen=True)
class OutcomeInput:
    tech_contract_no: str
    tech_contract_fen: int | None
    results_no: str
    patents_filed: int | None
    patents_granted: int | None
    products: str
    sales_fen: int | None
    rd_spend_fen: int | None
    note: str = ""


def submit_report(report: OutcomeReport, user: User, data: OutcomeInput) -> OutcomeReport:
    """A party files its report; final once filed. Refusals name the field."""
    if not can_report_outcome(user, report):
        raise Refused(_("只有本合同的%(party)s可以填报这份成果报告。",
                        party=_("揭榜方") if report.party == "solver" else _("发榜单位")))
    if report.submitted_at is not None:
        raise Refused(_("这份成果报告已于 %(d)s 提交，不能再修改。",
                        d=report.submitted_at.date().isoformat()))
    number, results_no = data.tech_contract_no.strip(), data.results_no.strip()
    problem = registration_problem(number, data.tech_contract_fen)
    if problem:
        raise Refused(problem[1], problem[0])
    earlier = db.session.execute(select(
        func.coalesce(func.sum(OutcomeReport.patents_filed), 0),
        func.coalesce(func.sum(OutcomeReport.patents_granted), 0)).where(
        OutcomeReport.contract_id == report.contract_id, OutcomeReport.party == report.party,
        OutcomeReport.id != report.id, OutcomeReport.submitted_at.is_not(None))).one()
    problem = patents_problem(data.patents_filed, data.patents_granted, int(earlier[0]), int(earlier[1]))
    if problem:
        raise Refused(problem[1], problem[0])
    now = utcnow()
    report.tech_contract_no, report.tech_contract_fen = number, data.tech_contract_fen or 0
    report.results_no = results_no
    report.patents_filed, report.patents_granted = data.patents_filed, data.patents_granted
    report.products, report.sales_fen = data.products.strip(), data.sales_fen or 0
    report.rd_spend_fen, report.note = data.rd_spend_fen or 0, data.note.strip()
    report.submitted_at, report.submitted_by_id = now, user.id
    db.session.flush()
    _tell(report, user, _l("「%(title)s」的成果报告（验收后第 %(n)s 年）已提交。"), {"n": report.year},
          lambda r: admin_user_ids())
    record(report.contract, "report_outcome", user, now=now, changes={
        "report": [None, report.id], "party": [None, report.party], "year": [None, report.year],
        "tech_contract_no": [None, report.tech_contract_no],
        "tech_contract_fen": [None, report.tech_contract_fen], "results_no": [None, report.results_no],
        "patents_filed": [None, report.patents_filed], "patents_granted": [None, report.patents_granted],
        "sales_fen": [None, report.sales_fen], "rd_spend_fen": [None, report.rd_spend_fen]})
    return report
