"""公示 after the decision: the public results page shows each contract's amount and outcome
(a failure by its rule only), the list of ended 榜, and a solver organization's public record;
nothing confidential (a 脱敏 issuer, the body, reasons, the ledger) leaks to a visitor."""

import re
from datetime import timedelta

from sqlalchemy import select

from challenge.awarding import operations as ops
from challenge.extensions import db
from challenge.models import Challenge, Contract
from challenge.states import ChallengeState, Confidentiality, FailureRule, FundingMode, Payer
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform

SECRET_DETAIL = "现有产线的驻极工艺参数为机密数据XQ-7731"
SECRET_REASON = "团队核心成员离职导致无法继续XR-55"


def text_of(response) -> str:
    """The page's visible text (tags stripped), for 'absent' checks that cannot pass by markup."""
    return re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))


def contracts_of(board) -> list[Contract]:
    return list(db.session.scalars(select(Contract).where(Contract.challenge_id == board.id)))


def publicity_board(make, people, **overrides) -> Challenge:
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"],
                           **overrides)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return board


def test_results_page_shows_contracts_and_outcome_and_nothing_confidential(client, auth, make, people):
    admin, issuer, solver = people["admin"], people["issuer"], people["solver"]
    board = publicity_board(make, people, confidentiality=Confidentiality.DESENSITIZED,
                            detail=SECRET_DETAIL, funding_mode=FundingMode.MILESTONE,
                            bounty_fen=300_000_000)
    contract = make.contract(board, admin, solver=solver, sign=True, amount_fen=150_000_000,
                             subsidy_rate_bp=2000, subsidy_cap_fen=20_000_000)
    first = contract.milestones[0]
    perform(first, "report", solver, report="小试完成")
    perform(first, "confirm", issuer)
    ops.record_payment(contract, admin, ops.PaymentInput(Payer.ENTERPRISE, 10_000_000, local_today(),
                                                         first.id, "银行流水ZZ-9001"))
    db.session.commit()
    assert board.state is ChallengeState.CONTRACTED

    page = client.get(f"/results/{board.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="contracts"' in html
    assert solver.organization.name in html
    assert f"/organizations/{solver.organization_id}" in html
    assert "150.00" in html and "20.00" in html  # amount and the capped subsidy, in 万元
    assert "攻关中" in html

    ops.fail_contract(contract, admin, SECRET_REASON, FailureRule.WITHHOLD)
    db.session.commit()
    assert board.state is ChallengeState.FAILED
    page = client.get(f"/results/{board.id}")
    text = text_of(page)
    assert "攻关失败" in text and FailureRule.WITHHOLD.label in text
    assert 'data-testid="final-outcome"' in page.get_data(as_text=True)
    for secret in (issuer.organization.name, SECRET_DETAIL, SECRET_REASON, "银行流水ZZ-9001", "10.00"):
        assert secret not in text, secret

    auth.login(admin)  # the same page names the issuer to those who may know it
    assert issuer.organization.name in text_of(client.get(f"/results/{board.id}"))


def test_no_contract_section_during_publicity(client, make, people):
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"])
    make.winner(board, people["solver"])
    db.session.commit()
    html = client.get(f"/results/{board.id}").get_data(as_text=True)
    assert "合同与结果" not in html
    assert f"/organizations/{people['solver'].organization_id}" in html  # winner links to record


def test_results_index_shows_contract_total_and_outcome(client, make, people):
    admin = people["admin"]
    closed = make.challenge(people["issuer"], ChallengeState.CLOSED, admin=admin,
                            solver=people["solver"], title="已结榜的熔喷布榜")
    pending = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=admin,
                             title="公示中的榜")
    html = client.get("/results").get_data(as_text=True)
    amount = closed.bounty_fen // 2  # make.winner asks for half the 榜额
    assert re.search(rf'data-testid="total-{closed.id}">{re.escape(f"{amount / 1_000_000:,.2f}")}<', html)
    assert re.search(rf'data-testid="outcome-{closed.id}">验收通过，已结榜<', html)
    assert f'data-testid="outcome-{pending.id}"' not in html  # its state badge says it all
    assert f'data-testid="total-{pending.id}"' not in html
    assert 'href="/results/closed"' in html


def test_closed_list_shows_ended_boards_their_outcomes_and_pages(app, client, auth, make, people):
    admin, issuer, solver = people["admin"], people["issuer"], people["solver"]
    boards = {state: make.challenge(issuer, state, admin=admin, solver=solver, title=f"榜-{state.value}")
              for state in (ChallengeState.CLOSED, ChallengeState.FAILED, ChallengeState.AWARDED,
                            ChallengeState.CONTRACTED, ChallengeState.ACCEPTED)}
    hidden = make.challenge(issuer, ChallengeState.CLOSED, admin=admin, solver=solver,
                            title="定向榜-机密", confidentiality=Confidentiality.DIRECTED)
    masked = make.challenge(issuer, ChallengeState.CLOSED, admin=admin, solver=solver,
                            title="脱敏榜-结榜", confidentiality=Confidentiality.DESENSITIZED)

    page = client.get("/results/closed")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    listed = set(re.findall(r'data-testid="closed-(\d+)"', html))
    expected = {boards[s].id for s in (ChallengeState.CLOSED, ChallengeState.FAILED,
                                       ChallengeState.AWARDED)} | {masked.id}
    assert listed == {str(i) for i in expected}
    assert "定向榜-机密" not in html
    row = html.split(f'data-testid="closed-{masked.id}"')[1].split("</tr>")[0]
    assert "某企业" in row and issuer.organization.name not in row
    failed_row = html.split(f'data-testid="closed-{boards[ChallengeState.FAILED].id}"')[1].split("</tr>")[0]
    assert "攻关失败" in failed_row and solver.organization.name in failed_row
    closed_row = html.split(f'data-testid="closed-{boards[ChallengeState.CLOSED].id}"')[1].split("</tr>")[0]
    assert "验收通过，已结榜" in closed_row and "150.00" in closed_row
    assert boards[ChallengeState.CLOSED].ended_at is not None

    only_failed = client.get("/results/closed?outcome=failed").get_data(as_text=True)
    assert set(re.findall(r'data-testid="closed-(\d+)"', only_failed)) == {
        str(boards[ChallengeState.FAILED].id)}

    auth.login(admin)
    assert f'data-testid="closed-{hidden.id}"' in client.get("/results/closed").get_data(as_text=True)
    auth.logout()

    app.config["PER_PAGE"] = 3
    try:
        first = client.get("/results/closed").get_data(as_text=True)
        second = client.get("/results/closed?page=2").get_data(as_text=True)
    finally:
        app.config["PER_PAGE"] = 12
    on_first = set(re.findall(r'data-testid="closed-(\d+)"', first))
    on_second = set(re.findall(r'data-testid="closed-(\d+)"', second))
    assert len(on_first) == 3 and len(on_second) == 1 and on_first | on_second == listed
    assert "page=2" in first


def test_closed_list_empty_state(client):
    page = client.get("/results/closed")
    assert page.status_code == 200 and "暂无已结束的榜" in page.get_data(as_text=True)


def test_solver_organization_record(client, auth, make, people):
    admin, issuer, solver = people["admin"], people["issuer"], people["solver"]
    org = solver.organization
    make.challenge(issuer, ChallengeState.CLOSED, admin=admin, solver=solver, title="验收通过的榜")
    secret = make.challenge(issuer, ChallengeState.CLOSED, admin=admin, solver=solver,
                            title="定向榜-不公开", confidentiality=Confidentiality.DIRECTED)
    masked = make.challenge(issuer, ChallengeState.FAILED, admin=admin, solver=solver,
                            title="脱敏榜-失败", confidentiality=Confidentiality.DESENSITIZED)
    # A 赛马 榜: our team is eliminated, the other races on.
    race = publicity_board(make, people, funding_mode=FundingMode.HORSE_RACE, max_winners=2,
                           title="赛马榜")
    ours = make.contract(race, admin, solver=solver, sign=True, amount_fen=100_000_000)
    make.contract(race, admin, solver=people["other_solver"], sign=True, amount_fen=100_000_000)
    ops.eliminate(ours, admin, "中期评审排名靠后")
    # A failed contract under the recover rule, with the reason kept out of the public record.
    failing = publicity_board(make, people, funding_mode=FundingMode.MILESTONE, title="失败的榜")
    lost = make.contract(failing, admin, solver=solver, sign=True, amount_fen=80_000_000)
    first = lost.milestones[0]
    perform(first, "report", solver, report="阶段报告")
    perform(first, "confirm", issuer)
    ops.record_payment(lost, admin, ops.PaymentInput(Payer.ENTERPRISE, 20_000_000, local_today(),
                                                     first.id, "流水"))
    ops.fail_contract(lost, admin, SECRET_REASON, FailureRule.RECOVER, recovery_fen=20_000_000)
    db.session.commit()
    assert failing.state is ChallengeState.FAILED and race.state is ChallengeState.CONTRACTED

    page = client.get(f"/organizations/{org.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    counts = dict(re.findall(r'data-testid="count-(\w+)">(\d+)<', html))
    assert counts == {"contracts": "4", "active": "0", "accepted": "1", "eliminated": "1",
                      "failed": "2"}
    assert re.search(r'data-testid="amount-total">480\.00<', html)  # 150 + 150 + 100 + 80 万元
    [masked_contract] = contracts_of(masked)
    row = html.split(f'data-testid="contract-{masked_contract.id}"')[1].split("</tr>")[0]
    assert "脱敏榜-失败" in row and "某企业" in row and issuer.organization.name not in row
    assert f'data-testid="rule-{lost.id}">处理规则：{FailureRule.RECOVER.label}<' in html
    assert "赛马淘汰" in html and f'href="/results/{failing.id}"' in html
    text = text_of(page)
    assert "定向榜-不公开" not in text and SECRET_REASON not in text and "中期评审排名靠后" not in text

    auth.login(admin)
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "定向榜-不公开" in html and f'href="/results/{secret.id}"' in html
    assert dict(re.findall(r'data-testid="count-(\w+)">(\d+)<', html))["contracts"] == "5"

    assert client.get("/organizations/999999").status_code == 404


def test_results_pages_link_to_the_record(client, make, people):
    board = make.challenge(people["issuer"], ChallengeState.CLOSED, admin=people["admin"],
                           solver=people["solver"])
    link = f'href="/organizations/{people["solver"].organization_id}"'
    assert link in client.get("/results").get_data(as_text=True)
    assert link in client.get("/results/closed").get_data(as_text=True)
    assert link in client.get(f"/results/{board.id}").get_data(as_text=True)
    empty = make.org()
    db.session.commit()
    page = client.get(f"/organizations/{empty.id}")
    assert page.status_code == 200 and "暂无公开的揭榜合同记录" in page.get_data(as_text=True)
