"""Outcome reports after acceptance (issue 15 item 7): the schedule, the reminders, and who may
report. Expected dates and counts are written out by hand."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, Contract, Notification, OutcomeReport
from challenge.outcomes import operations as ops
from challenge.outcomes.rules import reminder_due, schedule, years_after
from challenge.states import ChallengeState, ContractState, Role
from challenge.timeutil import SHANGHAI, local_today

from .factories import make_user


def accepted(make, people, accepted_on: date | None = None) -> Contract:
    """A 榜 walked to 验收通过 whose contract (people['solver']) was accepted on *accepted_on*
    (Shanghai noon)."""
    board = make.challenge(people["issuer"], ChallengeState.ACCEPTED, admin=people["admin"],
                           solver=people["solver"])
    contract = db.session.scalars(select(Contract).where(Contract.challenge_id == board.id)).one()
    if accepted_on is not None:
        contract.ended_at = datetime.combine(accepted_on, time(12), SHANGHAI)
    db.session.commit()
    assert contract.state is ContractState.ACCEPTED
    return contract


def values(**over) -> ops.OutcomeInput:
    base = {"tech_contract_no": "2027440101000123", "tech_contract_fen": 12_345_600,
            "results_no": "9442027Y0123", "patents_filed": 3, "patents_granted": 1,
            "products": "高效熔喷滤材", "sales_fen": 50_000_000, "rd_spend_fen": 8_000_000}
    base.update(over)
    return ops.OutcomeInput(**base)


@pytest.mark.parametrize("day, years, expected", [
    (date(2026, 3, 15), 1, date(2027, 3, 15)),
    (date(2026, 3, 15), 3, date(2029, 3, 15)),
    (date(2028, 2, 29), 1, date(2029, 2, 28)),   # no 29 February in 2029
    (date(2028, 2, 29), 3, date(2031, 2, 28)),
    (date(2027, 12, 31), 1, date(2028, 12, 31)),
])
def test_a_report_falls_due_on_the_anniversary(day, years, expected):
    assert years_after(day, years) == expected


@pytest.mark.parametrize("due, reminded, today, expected", [
    (date(2027, 6, 30), None, date(2027, 5, 30), False),       # 31 days ahead: not yet
    (date(2027, 6, 30), None, date(2027, 5, 31), True),        # 30 days ahead: remind
    (date(2027, 6, 30), date(2027, 5, 31), date(2027, 6, 30), False),  # due today, reminded
    (date(2027, 6, 30), date(2027, 5, 31), date(2027, 7, 1), True),    # overdue: once more
    (date(2027, 6, 30), date(2027, 7, 1), date(2027, 9, 1), False),    # told it is overdue
    (date(2027, 6, 30), None, date(2027, 8, 1), True),         # never told, long overdue
])
def test_two_reminders_at_most(due, reminded, today, expected):
    assert reminder_due(due, reminded, today, 30) is expected


def test_an_accepted_contract_owes_four_reports(app, make, people):
    contract = accepted(make, people, date(2026, 4, 1))
    slots = {(s.party, s.year): (s.due_on, s.organization_id) for s in schedule(contract)}
    assert slots == {
        ("solver", 1): (date(2027, 4, 1), people["solver"].organization_id),
        ("enterprise", 1): (date(2027, 4, 1), people["issuer"].organization_id),
        ("solver", 3): (date(2029, 4, 1), people["solver"].organization_id),
        ("enterprise", 3): (date(2029, 4, 1), people["issuer"].organization_id),
    }
    assert len(ops.ensure_schedule(contract)) == 4
    assert len(ops.ensure_schedule(contract)) == 4  # idempotent


@pytest.mark.parametrize("state", [ChallengeState.CONTRACTED, ChallengeState.FAILED])
def test_no_report_is_owed_before_acceptance_or_after_failure(app, make, people, state):
    board = make.challenge(people["issuer"], state, admin=people["admin"], solver=people["solver"])
    contract = db.session.scalars(select(Contract).where(Contract.challenge_id == board.id)).one()
    assert schedule(contract) == [] and ops.ensure_schedule(contract) == []


def _notices(user, needle: str) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.message.contains(needle)))


def test_the_job_reminds_each_party_once_ahead_and_once_overdue(app, make, people):
    today = local_today()
    contract = accepted(make, people, today - timedelta(days=365 - 10))  # due in about 10 days
    due = years_after(today - timedelta(days=365 - 10), 1)
    title = contract.challenge.title
    assert ops.remind_outcomes(today) == 2           # the solver's and the enterprise's year-1 report
    db.session.commit()
    assert ops.remind_outcomes(today) == 0           # once
    for who in ("solver", "issuer", "colleague"):
        assert _notices(people[who], "将于") == 1, who
    assert _notices(people["other_solver"], title) == 0
    assert _notices(people["admin"], "将于") == 0
    # The solver files in time; the enterprise does not.
    solver_report = ops.report_for(contract, "solver", 1)
    ops.submit_report(solver_report, people["solver"], values())
    db.session.commit()
    later = due + timedelta(days=1)
    assert ops.remind_outcomes(later) == 1           # only the enterprise's, now overdue
    db.session.commit()
    assert ops.remind_outcomes(later + timedelta(days=30)) == 0
    assert _notices(people["issuer"], "已于") == 1 and _notices(people["solver"], "已于") == 0
    assert _notices(people["admin"], "尚未提交") == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "remind_outcome", AuditEvent.object_id == contract.id)) == 3


def test_the_job_runs_from_the_command_line(app, make, people, runner):
    today = local_today()
    accepted(make, people, today - timedelta(days=365 - 5))
    first = runner.invoke(args=["jobs", "run", "remind-outcomes"])
    assert first.exit_code == 0 and "reminded 2" in first.output, first.output


@pytest.mark.parametrize("who, party, allowed", [
    ("solver", "solver", True),
    ("solver", "enterprise", False),
    ("issuer", "enterprise", True),
    ("colleague", "enterprise", True),         # any member of the issuing enterprise
    ("issuer", "solver", False),
    ("other_solver", "solver", False),
    ("other_enterprise", "enterprise", False),
    ("admin", "solver", False),                # the bureau reads, the parties report
    ("reviewer", "enterprise", False),
])
def test_only_the_contracts_own_parties_report(app, make, people, who, party, allowed):
    contract = accepted(make, people)
    report = ops.report_for(contract, party, 1)
    if allowed:
        ops.submit_report(report, people[who], values())
        assert report.submitted_at is not None and report.submitted_by_id == people[who].id
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "report_outcome", AuditEvent.object_id == contract.id)).one()
        assert event.actor_id == people[who].id and event.changes["tech_contract_fen"] == [None, 12_345_600]
    else:
        with pytest.raises(Refused):
            ops.submit_report(report, people[who], values())
        assert report.submitted_at is None


def test_a_solver_of_the_same_organisation_who_left_cannot_report(app, make, people):
    contract = accepted(make, people)
    former = make_user(Role.SOLVER, org=people["solver"].organization)
    former.active = False
    db.session.commit()
    with pytest.raises(Refused):
        ops.submit_report(ops.report_for(contract, "solver", 1), former, values())


def test_a_filed_report_is_final(app, make, people):
    contract = accepted(make, people)
    report = ops.report_for(contract, "solver", 1)
    ops.submit_report(report, people["solver"], values())
    with pytest.raises(Refused, match="不能再修改"):
        ops.submit_report(report, people["solver"], values(sales_fen=1))
    assert report.sales_fen == 50_000_000


@pytest.mark.parametrize("over, field", [
    ({"tech_contract_no": ""}, "tech_contract_no"),            # an amount without its number
    ({"tech_contract_fen": 0}, "tech_contract_amount"),        # a number without its amount
    ({"patents_filed": 1, "patents_granted": 2}, "patents_granted"),
    ({"patents_filed": None}, "patents_filed"),
])
def test_bad_values_are_refused_next_to_their_field(app, make, people, over, field):
    contract = accepted(make, people)
    report = ops.report_for(contract, "solver", 1)
    with pytest.raises(Refused) as refused:
        ops.submit_report(report, people["solver"], values(**over))
    assert refused.value.field == field and report.submitted_at is None


def test_patents_granted_later_count_against_those_filed_earlier(app, make, people):
    contract = accepted(make, people)
    ops.submit_report(ops.report_for(contract, "solver", 1), people["solver"],
                      values(patents_filed=3, patents_granted=0))
    third = ops.report_for(contract, "solver", 3)
    with pytest.raises(Refused, match="累计授权专利数（4）不能多于累计申请专利数（3）"):
        ops.submit_report(third, people["solver"], values(patents_filed=0, patents_granted=4))
    ops.submit_report(third, people["solver"], values(patents_filed=0, patents_granted=3))
    assert third.patents_granted == 3


# -- the pages -------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("solver", 200), ("issuer", 200), ("colleague", 200),
                                         ("admin", 200), ("other_solver", 404),
                                         ("other_enterprise", 404), ("reviewer", 404)])
def test_the_schedule_page_is_for_the_parties_and_the_bureau(client, auth, make, people, who, status):
    contract = accepted(make, people, date(2026, 4, 1))
    auth.login(people[who])
    page = client.get(f"/contracts/{contract.id}/outcomes")
    assert page.status_code == status
    if status == 200:
        assert "2027-04-01" in page.text and "2029-04-01" in page.text
        mine = {"solver": ["solver-1", "solver-3"], "issuer": ["enterprise-1", "enterprise-3"],
                "colleague": ["enterprise-1", "enterprise-3"], "admin": []}[who]
        assert sorted(re.findall(r'data-testid="report-(\w+-\d)"', page.text)) == sorted(mine)


@pytest.mark.parametrize("who, party, status", [("issuer", "solver", 403), ("solver", "enterprise", 403),
                                                ("admin", "solver", 403), ("other_solver", "solver", 404)])
def test_the_form_refuses_anyone_but_the_party(client, auth, make, people, who, party, status):
    contract = accepted(make, people)
    auth.login(people[who])
    url = f"/contracts/{contract.id}/outcomes/{party}/1"
    assert client.get(url).status_code == status
    assert client.post(url, data=FORM).status_code == status
    assert db.session.scalar(select(func.count(OutcomeReport.id)).where(
        OutcomeReport.submitted_at.is_not(None))) == 0


FORM = {"tech_contract_no": "2027440101000123", "tech_contract_amount": "123.456",
        "results_no": "9442027Y0123", "patents_filed": "3", "patents_granted": "1",
        "products": "高效熔喷滤材", "sales": "500", "rd_spend": "80", "note": ""}


def test_the_solver_files_through_the_form(client, auth, make, people):
    contract = accepted(make, people)
    auth.login(people["solver"])
    page = client.post(f"/contracts/{contract.id}/outcomes/solver/1", data=FORM, follow_redirects=True)
    assert page.status_code == 200 and "成果报告已提交" in page.text
    report = db.session.scalars(select(OutcomeReport).where(OutcomeReport.party == "solver",
                                                            OutcomeReport.year == 1)).one()
    # 万元 → 分: 123.456 万 = 1,234,560 元; 500 万 = 5,000,000 元; 80 万 = 800,000 元.
    assert (report.tech_contract_fen, report.sales_fen, report.rd_spend_fen) == (
        123_456_000, 500_000_000, 80_000_000)
    assert (report.patents_filed, report.patents_granted) == (3, 1)
    again = client.get(f"/contracts/{contract.id}/outcomes/solver/1", follow_redirects=True)
    assert "不能再修改" in again.text


@pytest.mark.parametrize("field, value, message", [
    ("patents_filed", "三", "请填写 0 到 10000 之间的整数"),
    ("patents_granted", "9", "累计授权专利数（9）不能多于累计申请专利数（3）"),
    ("tech_contract_amount", "abc", "万元"),
    ("tech_contract_no", "", "请同时填写技术合同登记号"),
])
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_lost(client, auth, make, people,
                                                                    field, value, message):
    contract = accepted(make, people)
    auth.login(people["solver"])
    page = client.post(f"/contracts/{contract.id}/outcomes/solver/1", data=FORM | {field: value})
    assert page.status_code == 200
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"',
                     page.text), field
    assert message in page.text and "高效熔喷滤材" in page.text and "9442027Y0123" in page.text
    assert db.session.scalar(select(func.count(OutcomeReport.id)).where(
        OutcomeReport.submitted_at.is_not(None))) == 0
