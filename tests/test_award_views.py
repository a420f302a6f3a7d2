"""签约与履约 pages: who may open what (role × endpoint), the contract form's and the payment
form's refusals next to the field, reversing a payment, 赛马 elimination, failure with recovery,
结榜, and overdue milestones on the dashboards."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from challenge.awarding import operations as ops
from challenge.awarding.rules import contract_totals
from challenge.extensions import db
from challenge.models import Contract, LedgerEntry, User
from challenge.states import (
    ChallengeState,
    ContractState,
    EntryKind,
    FailureRule,
    FundingMode,
    MilestoneState,
    Payer,
    Role,
)
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform

ROLES = ["visitor", "issuer", "other_enterprise", "solver", "other_solver", "reviewer", "admin"]
WAN = 1_000_000  # 分 per 万元


def row(visitor, issuer, other_enterprise, solver, other_solver, reviewer, admin):
    return dict(zip(ROLES, (visitor, issuer, other_enterprise, solver, other_solver, reviewer, admin),
                    strict=True))


def board_for(make, people, mode=FundingMode.MILESTONE, max_winners=1, bounty_fen=300 * WAN):
    """A 榜 in 公示 whose period is over and has no objection: contracts may be signed."""
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"],
                           funding_mode=mode, max_winners=max_winners, bounty_fen=bounty_fen)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return board


def _solver_of(milestone):
    return db.session.scalar(select(User).where(User.organization_id == milestone.contract.solver_org_id,
                                                User.role == Role.SOLVER))


def reported_and_confirmed(milestone, people):
    perform(milestone, "report", _solver_of(milestone), report="阶段成果已完成")
    perform(milestone, "confirm", people["issuer"])
    db.session.commit()


def next_to(page: str, field_id: str) -> str:
    """The markup from a field's input to the next label: where its error message belongs."""
    start = page.index(f'id="{field_id}"')
    input_tag = page[page.rindex("<", 0, start):page.index(">", start)]
    assert "is-invalid" in input_tag
    return page[start:page.index("<label", start)]


# -- role × endpoint --------------------------------------------------------------------------

@pytest.fixture
def world(make, people):
    """Three winners on one 榜: one drafted, one waiting for its draft, and people['solver']'s
    signed contract with a payment in the ledger."""
    admin = people["admin"]
    board = board_for(make, people, max_winners=3)
    drafted = make.contract(board, admin, amount_fen=50 * WAN)
    waiting = make.winner(board)
    held = make.contract(board, admin, solver=people["solver"], sign=True, amount_fen=100 * WAN)
    first = held.milestones[0]
    reported_and_confirmed(first, people)
    payment = ops.record_payment(held, admin, ops.PaymentInput(
        Payer.ENTERPRISE, 10 * WAN, local_today(), first.id, "流水 001"))
    db.session.commit()
    return {"board": board.id, "drafted": drafted.id, "waiting": waiting.id, "held": held.id,
            "payment": payment.id}


ADMIN_ONLY = row(302, 403, 403, 403, 403, 403, 200)
ADMIN_POST = row(302, 403, 403, 403, 403, 403, 302)
TABLE = [
    ("GET", "/admin/challenges/{board}/contracts", ADMIN_ONLY),
    ("POST", "/admin/proposals/{waiting}/contract", ADMIN_POST),
    ("GET", "/contracts/{drafted}/edit", ADMIN_ONLY),
    ("POST", "/contracts/{drafted}/edit", ADMIN_ONLY),          # empty form: errors, 200
    ("GET", "/contracts/{held}/edit", ADMIN_POST),              # signed: back to the contract
    ("POST", "/contracts/{drafted}/sign", ADMIN_POST),
    ("GET", "/contracts/{held}", row(302, 200, 404, 200, 404, 404, 200)),
    ("GET", "/contracts/{drafted}", row(302, 200, 404, 404, 404, 404, 200)),
    ("GET", "/contracts/999999", row(302, 404, 404, 404, 404, 404, 404)),
    ("POST", "/contracts/{held}/payments", ADMIN_ONLY),        # empty form: errors, 200
    ("GET", "/ledger/{payment}/reverse", ADMIN_ONLY),
    ("POST", "/ledger/{payment}/reverse", ADMIN_ONLY),         # no reason: 200
    ("POST", "/contracts/{held}/recovered", ADMIN_ONLY),
    ("GET", "/contracts/{held}/eliminate", ADMIN_ONLY),
    ("POST", "/contracts/{held}/eliminate", ADMIN_ONLY),
    ("GET", "/contracts/{held}/fail", ADMIN_ONLY),
    ("POST", "/contracts/{held}/fail", ADMIN_ONLY),
    ("POST", "/admin/challenges/{board}/finish", ADMIN_POST),
    ("GET", "/my/contracts", row(302, 200, 200, 200, 200, 403, 200)),
    ("GET", "/my/contracts?overdue=1&state=active&page=2", row(302, 200, 200, 200, 200, 403, 200)),
]


@pytest.mark.parametrize("method,url,expected", TABLE, ids=[f"{m} {u}" for m, u, _ in TABLE])
def test_role_endpoint_table(client, auth, people, world, method, url, expected):
    seen = {}
    for role in ROLES:  # the admin last: an admin's POST may change what others would see
        auth.logout()
        if role != "visitor":
            assert auth.login(people[role]).status_code == 302
        response = client.open(url.format(**world), method=method)
        seen[role] = response.status_code
        if role == "visitor":
            assert "/auth/login" in response.headers["Location"]
    assert seen == expected


def test_each_party_lists_only_its_contracts(client, auth, people, world):
    held = db.session.get(Contract, world["held"])
    drafted = db.session.get(Contract, world["drafted"])
    listed = {}
    for role in ("issuer", "other_enterprise", "solver", "other_solver", "admin"):
        auth.logout()
        auth.login(people[role])
        page = client.get("/my/contracts").get_data(as_text=True)
        listed[role] = {c.number for c in (held, drafted) if c.number in page}
    assert listed == {"issuer": {held.number, drafted.number}, "other_enterprise": set(),
                      "solver": {held.number}, "other_solver": set(),
                      "admin": {held.number, drafted.number}}
    auth.logout()
    auth.login(people["other_solver"])
    assert "还没有合同" in client.get("/my/contracts").get_data(as_text=True)


def test_contract_page_shows_terms_milestones_ledger_and_totals(client, auth, people, world):
    auth.login(people["solver"])
    page = client.get(f"/contracts/{world['held']}").get_data(as_text=True)
    assert "流水 001" in page and "管理员" in page            # the entry and who recorded it
    assert 'data-testid="totals-enterprise"' in page
    assert "登记付款" not in page and "冲正</a>" not in page   # the bureau's controls only
    auth.logout()
    auth.login(people["admin"])
    page = client.get(f"/contracts/{world['held']}").get_data(as_text=True)
    assert 'id="pay"' in page and f"/ledger/{world['payment']}/reverse" in page


# -- drafting, editing, signing ----------------------------------------------------------------

def test_admin_drafts_from_the_bid_and_is_sent_to_edit(client, auth, make, people):
    board = board_for(make, people)
    winner = make.winner(board, people["solver"], shares=(3000, 7000))
    auth.login(people["admin"])
    board_page = client.get(f"/admin/challenges/{board.id}/contracts").get_data(as_text=True)
    assert "起草合同" in board_page
    response = client.post(f"/admin/proposals/{winner.id}/contract")
    contract = db.session.scalars(select(Contract)).one()
    assert response.headers["Location"].endswith(f"/contracts/{contract.id}/edit")
    assert [m.share_bp for m in contract.milestones] == [3000, 7000]
    page = client.get(f"/contracts/{contract.id}/edit").get_data(as_text=True)
    assert 'value="30"' in page and 'value="70"' in page    # percentages, not basis points
    again = client.post(f"/admin/proposals/{winner.id}/contract", follow_redirects=True)
    assert "该方案已有合同" in again.get_data(as_text=True)


def edit_data(contract, **changes) -> dict:
    data = {"number": contract.number, "amount": "100", "start": local_today().isoformat(),
            "subsidy_rate": "30", "subsidy_cap": "20"}
    for n, m in enumerate(contract.milestones):
        data |= {f"milestones-{n}-title": m.title, f"milestones-{n}-due": m.due_on.isoformat(),
                 f"milestones-{n}-deliverable": m.deliverable, f"milestones-{n}-share": "50"}
    return data | changes


def test_edit_saves_terms_subsidy_and_milestones(client, auth, make, people):
    board = board_for(make, people)
    contract = make.contract(board, people["admin"])
    db.session.commit()
    auth.login(people["admin"])
    response = client.post(f"/contracts/{contract.id}/edit", data=edit_data(contract))
    assert response.status_code == 302
    db.session.refresh(contract)
    assert (contract.amount_fen, contract.subsidy_rate_bp, contract.subsidy_cap_fen) == \
        (100 * WAN, 3000, 20 * WAN)
    assert contract.subsidy_fen == 20 * WAN  # 30 % of 100 万 = 30 万, capped at 20 万
    assert [m.share_bp for m in contract.milestones] == [5000, 5000]


@pytest.mark.parametrize("changes,message,kept", [
    ({"amount": "400"}, "合同金额不能超过榜额 300.00 万元。", 'value="400"'),
    ({"milestones-1-share": "40"}, "里程碑付款比例合计须为 100%，现为 90%。", 'value="40"'),
    ({"subsidy_rate": "130"}, "应为 0 到 100 之间", 'value="130"'),
    ({"subsidy_cap": ""}, "有补助比例时请填写补助上限。", 'value="30"'),
    ({"milestones-0-due": "2000-01-01"}, "里程碑到期日不能早于合同开始日期。", 'value="2000-01-01"'),
    ({"milestones-1-share": "40", "amount": "abc"}, "现为 90%", 'value="abc"'),
], ids=["over-bounty", "shares-not-100", "rate-over-100", "rate-without-cap", "due-before-start",
        "two-problems-at-once"])
def test_edit_refusals_next_to_the_field(client, auth, make, people, changes, message, kept):
    board = board_for(make, people)
    contract = make.contract(board, people["admin"])
    db.session.commit()
    before = (contract.amount_fen, [m.share_bp for m in contract.milestones])
    auth.login(people["admin"])
    response = client.post(f"/contracts/{contract.id}/edit", data=edit_data(contract, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and kept in page and "合同未保存" in page
    field = {"amount": "amount", "subsidy_rate": "subsidy_rate", "subsidy_cap": "subsidy_cap"}.get(
        next(iter(changes)))
    if field:
        assert message in next_to(page, field)
    if "amount" in changes and changes["amount"] == "abc":  # both problems shown at once
        assert "请输入数字" in next_to(page, "amount")
    db.session.refresh(contract)
    assert (contract.amount_fen, [m.share_bp for m in contract.milestones]) == before


def test_duplicate_contract_number_is_refused(client, auth, make, people):
    board = board_for(make, people, max_winners=2)
    first = make.contract(board, people["admin"], amount_fen=100 * WAN)
    second = make.contract(board, people["admin"], amount_fen=100 * WAN)
    db.session.commit()
    auth.login(people["admin"])
    response = client.post(f"/contracts/{second.id}/edit",
                           data=edit_data(second, number=first.number))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "合同编号已被使用。" in page
    assert f'value="{first.number}"' in page
    assert db.session.get(Contract, second.id).number != first.number


def test_sign_waits_for_the_publicity_period_then_contracts_the_board(client, auth, make, people):
    board = board_for(make, people)
    contract = make.contract(board, people["admin"])
    board.publicity_ends_at = utcnow() + timedelta(days=2)
    db.session.commit()
    auth.login(people["admin"])
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "公示期至" in page and 'data-testid="sign"' not in page
    assert "公示期至" in client.get(f"/admin/challenges/{board.id}/contracts").get_data(as_text=True)
    refused = client.post(f"/contracts/{contract.id}/sign", follow_redirects=True)
    assert "公示期至" in refused.get_data(as_text=True)
    assert db.session.get(Contract, contract.id).state is ContractState.DRAFT

    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    signed = client.post(f"/contracts/{contract.id}/sign", follow_redirects=True)
    assert "全部入选方案均已签约" in signed.get_data(as_text=True)
    db.session.refresh(board)
    assert db.session.get(Contract, contract.id).state is ContractState.ACTIVE
    assert board.state is ChallengeState.CONTRACTED


# -- the payments ledger -----------------------------------------------------------------------

def pay_data(contract, milestone=None, **changes) -> dict:
    data = {"pay-payer": "enterprise", "pay-amount": "40", "pay-paid_on": local_today().isoformat(),
            "pay-milestone": str(milestone.id) if milestone else "", "pay-reference": "银行流水 001",
            "pay-payee": contract.solver_org.name, "pay-note": ""}
    return data | changes


def signed(make, people, mode=FundingMode.MILESTONE) -> Contract:
    board = board_for(make, people, mode=mode)
    contract = make.contract(board, people["admin"], solver=people["solver"], sign=True,
                             amount_fen=100 * WAN)
    db.session.commit()
    return contract


@pytest.mark.parametrize("mode,which,changes,message", [
    (FundingMode.MILESTONE, 0, {"pay-amount": "50"}, "超出该里程碑份额：企业榜金在此里程碑共 40.00 万元"),
    (FundingMode.MILESTONE, 1, {}, "里程碑处于「未到期/待报告」，须经企业确认后才能付款。"),
    (FundingMode.MILESTONE, None, {}, "里程碑资助按里程碑付款，请选择里程碑。"),
    (FundingMode.REWARD, None, {}, "揭榜奖励的榜只在验收通过后付款。"),
    (FundingMode.MILESTONE, 0, {"pay-payer": "government"}, "本合同没有政府补助"),
    (FundingMode.MILESTONE, 0, {"pay-paid_on": "2999-01-01"}, "付款日期不能晚于今天。"),
], ids=["overpay-share", "unconfirmed-milestone", "no-milestone", "reward-before-acceptance",
        "no-subsidy", "future-date"])
def test_refused_payments_say_why_next_to_the_field(client, auth, make, people, mode, which,
                                                    changes, message):
    contract = signed(make, people, mode)
    reported_and_confirmed(contract.milestones[0], people)
    milestone = contract.milestones[which] if which is not None else None
    auth.login(people["admin"])
    data = pay_data(contract, milestone, **changes)
    response = client.post(f"/contracts/{contract.id}/payments", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "付款未登记" in page
    assert f'value="{data["pay-amount"]}"' in page and 'value="银行流水 001"' in page
    field = "pay-paid_on" if "pay-paid_on" in changes else "pay-amount"
    assert message in next_to(page, field)
    assert db.session.scalars(select(LedgerEntry)).all() == []


def test_payment_then_reversal_keeps_both_lines_and_restores_totals(client, auth, make, people):
    contract = signed(make, people)
    first = contract.milestones[0]
    reported_and_confirmed(first, people)
    auth.login(people["admin"])
    response = client.post(f"/contracts/{contract.id}/payments", data=pay_data(contract, first))
    assert response.status_code == 302
    entry = db.session.scalars(select(LedgerEntry)).one()
    assert (entry.amount_fen, entry.kind, entry.milestone_id) == (40 * WAN, EntryKind.PAYMENT, first.id)
    assert contract_totals(contract).paid == 40 * WAN

    confirm_page = client.get(f"/ledger/{entry.id}/reverse").get_data(as_text=True)
    assert "只增不改" in confirm_page
    refused = client.post(f"/ledger/{entry.id}/reverse", data={"reason": ""})
    assert refused.status_code == 200 and "冲正需要填写理由" in refused.get_data(as_text=True)
    done = client.post(f"/ledger/{entry.id}/reverse", data={"reason": "金额录错"})
    assert done.status_code == 302
    lines = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
    assert [(x.kind, x.amount_fen, x.reverses_id) for x in lines] == [
        (EntryKind.PAYMENT, 40 * WAN, None), (EntryKind.REVERSAL, -40 * WAN, entry.id)]
    totals = contract_totals(contract)
    assert (totals.paid, totals.due) == (0, 40 * WAN)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "-40.00" in page and "金额录错" in page and "已冲正" in page
    twice = client.get(f"/ledger/{entry.id}/reverse", follow_redirects=True)
    assert "这笔付款已冲正过" in twice.get_data(as_text=True)
    only_payments = client.get(f"/ledger/{lines[1].id}/reverse", follow_redirects=True)
    assert "只能冲正付款记录" in only_payments.get_data(as_text=True)


# -- ending contracts --------------------------------------------------------------------------

def test_horse_race_side_by_side_and_elimination(client, auth, make, people):
    admin = people["admin"]
    board = board_for(make, people, mode=FundingMode.HORSE_RACE, max_winners=2)
    team_a = make.contract(board, admin, solver=people["solver"], amount_fen=100 * WAN)
    team_b = make.contract(board, admin, solver=people["other_solver"], amount_fen=100 * WAN)
    ops.sign_contract(team_a, admin)
    ops.sign_contract(team_b, admin)
    db.session.commit()
    assert board.state is ChallengeState.CONTRACTED
    reported_and_confirmed(team_a.milestones[0], people)
    first_b = team_b.milestones[0]
    reported_and_confirmed(first_b, people)
    perform(first_b, "approve", admin)  # reviewed before the elimination: stays payable
    db.session.commit()

    auth.login(admin)
    race = client.get(f"/admin/challenges/{board.id}/contracts").get_data(as_text=True)
    assert "赛马：各队对比" in race
    assert f'data-testid="team-{team_a.id}"' in race and f'data-testid="team-{team_b.id}"' in race
    assert race.count("淘汰</a>") == 2

    confirm_page = client.get(f"/contracts/{team_b.id}/eliminate").get_data(as_text=True)
    assert "将全部取消" in confirm_page and "企业榜金 60.00 万元" in confirm_page
    refused = client.post(f"/contracts/{team_b.id}/eliminate", data={"reason": ""})
    assert refused.status_code == 200 and "请填写淘汰理由" in refused.get_data(as_text=True)
    done = client.post(f"/contracts/{team_b.id}/eliminate", data={"reason": "第一阶段评审末位"})
    assert done.status_code == 302
    db.session.refresh(team_b)
    assert team_b.state is ContractState.ELIMINATED and team_b.end_note == "第一阶段评审末位"
    assert [m.state for m in team_b.milestones] == [MilestoneState.APPROVED, MilestoneState.CANCELLED]
    assert contract_totals(team_b).released == 60 * WAN
    paid = client.post(f"/contracts/{team_b.id}/payments", data=pay_data(team_b, first_b))
    assert paid.status_code == 302 and contract_totals(team_b).paid == 40 * WAN
    refused = client.post(f"/contracts/{team_b.id}/payments",
                          data=pay_data(team_b, team_b.milestones[1], **{"pay-amount": "1"}))
    assert "该团队已在赛马中淘汰" in refused.get_data(as_text=True)
    assert board.state is ChallengeState.CONTRACTED  # team A races on

    race = client.get(f"/admin/challenges/{board.id}/contracts").get_data(as_text=True)
    assert f'data-testid="released-{team_b.id}">60.00' in race
    # Team A is now the last team running: it cannot be eliminated, only failed.
    last = client.get(f"/contracts/{team_a.id}/eliminate").get_data(as_text=True)
    assert "这是本榜最后一支执行中的队伍" in last
    client.post(f"/contracts/{team_a.id}/eliminate", data={"reason": "试试"})
    assert db.session.get(Contract, team_a.id).state is ContractState.ACTIVE


def test_fail_with_recovery_records_a_receivable_and_fails_the_board(client, auth, make, people):
    contract = signed(make, people)
    first = contract.milestones[0]
    reported_and_confirmed(first, people)
    auth.login(people["admin"])
    client.post(f"/contracts/{contract.id}/payments", data=pay_data(contract, first))
    assert contract_totals(contract).paid == 40 * WAN

    page = client.get(f"/contracts/{contract.id}/fail").get_data(as_text=True)
    assert "追回（登记应收款）" in page and "已付 40.00 万元" in page
    missing = client.post(f"/contracts/{contract.id}/fail", data={"rule": "recover", "reason": "未达标"})
    assert "选择追回时须填写追回金额" in missing.get_data(as_text=True)
    too_much = client.post(f"/contracts/{contract.id}/fail",
                           data={"rule": "recover", "recovery": "50", "reason": "未达标"})
    page = too_much.get_data(as_text=True)
    assert too_much.status_code == 200
    assert "追回金额不能超过已付金额 40.00 万元" in page and 'value="50"' in page
    assert db.session.get(Contract, contract.id).state is ContractState.ACTIVE

    done = client.post(f"/contracts/{contract.id}/fail",
                       data={"rule": "recover", "recovery": "30", "reason": "核心指标未达标"},
                       follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "榜单状态为「攻关失败」" in page
    db.session.refresh(contract)
    assert contract.state is ContractState.FAILED and contract.failure_rule is FailureRule.RECOVER
    assert contract.challenge.state is ChallengeState.FAILED
    assert 'data-testid="receivable">30.00' in page and 'data-testid="outstanding">30.00' in page
    assert "应收追回款" in page and "核心指标未达标" in page

    # Recovered money arrives later, in parts, never more than is owed.
    over = client.post(f"/contracts/{contract.id}/recovered",
                       data={"rec-amount": "31", "rec-paid_on": local_today().isoformat(),
                             "rec-reference": "退款 1"})
    assert over.status_code == 200 and "到账金额超过尚未追回的 30.00 万元" in over.get_data(as_text=True)
    part = client.post(f"/contracts/{contract.id}/recovered",
                       data={"rec-amount": "10", "rec-paid_on": local_today().isoformat(),
                             "rec-reference": "退款 1"}, follow_redirects=True)
    page = part.get_data(as_text=True)
    assert 'data-testid="recovered">10.00' in page and 'data-testid="outstanding">20.00' in page
    totals = contract_totals(contract)
    assert (totals.receivable, totals.recovered) == (30 * WAN, 10 * WAN)
    payments = client.post(f"/contracts/{contract.id}/payments", data=pay_data(contract, first))
    assert payments.status_code == 200 and "不能再付款" in payments.get_data(as_text=True)


def test_a_draft_can_be_abandoned_without_recovery(client, auth, make, people):
    board = board_for(make, people)
    contract = make.contract(board, people["admin"])
    db.session.commit()
    auth.login(people["admin"])
    page = client.get(f"/contracts/{contract.id}/fail").get_data(as_text=True)
    assert 'value="recover"' not in page and "尚未签订" in page
    client.post(f"/contracts/{contract.id}/fail", data={"rule": "terminate", "reason": "放弃签约"})
    assert db.session.get(Contract, contract.id).state is ContractState.FAILED


def test_finish_closes_an_awarded_board_only(client, auth, make, people):
    admin = people["admin"]
    awarded = make.challenge(people["issuer"], ChallengeState.AWARDED, admin=admin)
    contracted = make.challenge(people["issuer"], ChallengeState.CONTRACTED, admin=admin)
    auth.login(admin)
    page = client.get(f"/admin/challenges/{awarded.id}/contracts").get_data(as_text=True)
    assert "结榜</button>" in page
    refused = client.post(f"/admin/challenges/{contracted.id}/finish", follow_redirects=True)
    assert "不能结榜" in refused.get_data(as_text=True)
    assert db.session.get(type(contracted), contracted.id).state is ChallengeState.CONTRACTED
    client.post(f"/admin/challenges/{awarded.id}/finish")
    db.session.refresh(awarded)
    assert awarded.state is ChallengeState.CLOSED


# -- overdue milestones on the dashboards ------------------------------------------------------

def test_overdue_milestones_are_flagged_on_dashboards(client, auth, make, people):
    contract = signed(make, people)
    late = contract.milestones[0]
    late.due_on = local_today() - timedelta(days=3)
    db.session.commit()

    auth.login(people["admin"])
    home = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="overdue-count">1<' in home and f"/contracts/{contract.id}" in home
    listed = client.get("/my/contracts?overdue=1").get_data(as_text=True)
    assert contract.number in listed and 'data-testid="overdue-flag"' in listed
    shown = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert 'data-testid="overdue"' in shown

    auth.logout()
    auth.login(people["solver"])
    home = client.get("/me/").get_data(as_text=True)
    assert 'data-testid="overdue-count">1<' in home and late.title in home
    auth.logout()
    auth.login(people["other_solver"])
    assert 'data-testid="overdue-box"' not in client.get("/me/").get_data(as_text=True)
    assert contract.number not in client.get("/my/contracts?overdue=1").get_data(as_text=True)
    auth.logout()
    auth.login(people["issuer"])
    page = client.get("/me/", follow_redirects=True).get_data(as_text=True)
    assert "1 个里程碑已逾期" in page

    perform(late, "report", people["solver"], report="补交")
    db.session.commit()
    auth.logout()
    auth.login(people["admin"])
    assert 'data-testid="overdue-box"' not in client.get("/admin/").get_data(as_text=True)


# -- links into 签约与履约 ----------------------------------------------------------------------

def test_board_and_decision_pages_link_to_contracts(client, auth, make, people):
    board = board_for(make, people)
    links = {}
    for role in ("admin", "issuer", "other_enterprise", "solver"):
        auth.logout()
        auth.login(people[role])
        page = client.get(f"/challenges/{board.id}").get_data(as_text=True)
        links[role] = ('data-testid="contracts-link"' in page,
                       f"/admin/challenges/{board.id}/contracts" in page,
                       f"/my/contracts?challenge={board.id}" in page)
    assert links == {"admin": (True, True, False), "issuer": (True, False, True),
                     "other_enterprise": (False, False, False), "solver": (False, False, False)}
    auth.logout()
    auth.login(people["admin"])
    decision = client.get(f"/admin/challenges/{board.id}/decision").get_data(as_text=True)
    assert f"/admin/challenges/{board.id}/contracts" in decision
    open_board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    page = client.get(f"/challenges/{open_board.id}").get_data(as_text=True)
    assert 'data-testid="contracts-link"' not in page


def test_a_concurrent_change_is_a_message_not_a_500(client, auth, make, people, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    contract = signed(make, people)
    reported_and_confirmed(contract.milestones[0], people)

    def stale(*args, **kwargs):
        raise StaleDataError("contracts row changed")

    monkeypatch.setattr(ops, "record_payment", stale)
    auth.login(people["admin"])
    response = client.post(f"/contracts/{contract.id}/payments",
                           data=pay_data(contract, contract.milestones[0]),
                           headers={"Referer": f"http://localhost/contracts/{contract.id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/contracts/{contract.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "数据已被他人修改" in page
    assert db.session.scalars(select(LedgerEntry)).all() == []
