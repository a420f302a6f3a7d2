"""After a failure (SPEC §14): the diligence determination, 风险补偿 for verified R&D spend, the
release of 暂扣 money; and 失信 records — enforced at bidding (lead and partner) and at seating,
objected to once, expiring — through the operations on a real database and the HTTP client."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from challenge.awarding import diligence as dil
from challenge.awarding import operations as ops
from challenge.awarding.rules import contract_totals
from challenge.errors import Refused
from challenge.extensions import db
from challenge.integrity import operations as integrity
from challenge.models import AuditEvent, IntegrityRecord, LedgerEntry, Notification, Proposal
from challenge.reviewing import operations as panels
from challenge.states import (
    ChallengeState,
    DeterminedBy,
    Diligence,
    EntryKind,
    FailureRule,
    IntegrityGrade,
    MilestoneState,
    OrgType,
    Payer,
    ProposalState,
    Role,
)
from challenge.timeutil import local_today
from tests.test_award_rules import board_for, pay, walk
from tests.test_bidding import bid_form, open_board

WAN = 1_000_000
PDF = b"%PDF-1.4\n% receipt\n"


def pdf(name="发票.pdf"):
    return FileStorage(stream=io.BytesIO(PDF), filename=name, content_type="application/pdf")


def finding(days_left=365, start_days_ago=0, grade=IntegrityGrade.SERIOUS, published=False):
    today = local_today()
    return integrity.FindingInput(grade=grade, reason="伪造实验数据", evidence="专家组调查报告",
                                  starts_on=today - timedelta(days=start_days_ago),
                                  expires_on=today + timedelta(days=days_left), published=published)


def events(object_type, object_id, action):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id,
        AuditEvent.action == action)).all()


@pytest.fixture
def withheld(make, people):
    """A milestone contract of 100 万 (subsidy 30 %, cap 20 万 → 20 万), milestones 30/30/40 %:
    the first approved and paid by the enterprise, the second confirmed; then it fails under the
    withhold rule (60 万 + 12 万 earned, 30 万 paid: 42 万 withheld)."""
    board = board_for(make, people)
    contract = make.contract(board, people["admin"], solver=people["solver"], sign=True,
                             shares=(3000, 3000, 4000), amount_fen=100 * WAN,
                             subsidy_rate_bp=3000, subsidy_cap_fen=20 * WAN)
    first, second, _third = contract.milestones
    walk(first, people, people["solver"])
    walk(second, people, people["solver"], to=MilestoneState.CONFIRMED)
    pay(contract, people["admin"], Payer.ENTERPRISE, 30 * WAN, first)
    ops.fail_contract(contract, people["admin"], "核心成员离职，无法继续", FailureRule.WITHHOLD)
    db.session.commit()
    assert contract_totals(contract).withheld == 42 * WAN
    return board, contract


def diligent(contract, admin):
    return dil.determine(contract, admin, Diligence.DILIGENT, "已按计划投入，失败系技术路线风险",
                         DeterminedBy.EXPERT_GROUP, "张三、李四、王五")


# -- the determination -----------------------------------------------------------------------

def test_a_determination_is_made_once_and_only_for_a_failed_contract(make, people, withheld):
    board, contract = withheld
    admin = people["admin"]
    active = make.contract(board_for(make, people), admin, solver=people["other_solver"], sign=True)
    with pytest.raises(Refused, match="只有判定失败的合同"):
        diligent(active, admin)
    with pytest.raises(Refused, match="科技局"):
        diligent(contract, people["issuer"])
    unsigned = make.contract(board_for(make, people), admin, solver=people["other_solver"])
    ops.fail_contract(unsigned, admin, "放弃签约", FailureRule.TERMINATE)
    with pytest.raises(Refused, match="未签订"):
        diligent(unsigned, admin)
    with pytest.raises(Refused, match="认定理由"):
        dil.determine(contract, admin, Diligence.DILIGENT, " ", DeterminedBy.THIRD_PARTY, "某检测中心")
    made = dil.determine(contract, admin, Diligence.DILIGENT, "投入到位", DeterminedBy.THIRD_PARTY,
                         "示范市科技评估中心")
    db.session.commit()
    assert (made.verdict, made.determined_by, made.determiners) == (
        Diligence.DILIGENT, DeterminedBy.THIRD_PARTY, "示范市科技评估中心")
    with pytest.raises(Refused, match="已有尽职认定"):
        diligent(contract, admin)
    assert len(events("contract", contract.id, "determine")) == 1
    # diligent: no integrity record, and both parties are told
    assert db.session.scalars(select(IntegrityRecord)).all() == []
    for who in ("solver", "issuer"):
        assert db.session.scalar(select(Notification.id).where(
            Notification.user_id == people[who].id, Notification.message.contains("尽职")))


def test_diligent_failure_releases_withheld_money_and_compensates_verified_spend(app, people, withheld):
    board, contract = withheld
    admin, issuer = people["admin"], people["issuer"]
    first, second, third = contract.milestones
    # before the determination the withheld money stays frozen, and nothing is compensated
    with pytest.raises(Refused, match="暂扣"):
        pay(contract, admin, Payer.ENTERPRISE, WAN, second)
    with pytest.raises(Refused, match="尽职"):
        dil.add_receipt(contract, issuer, dil.ReceiptInput("样机材料费", 80 * WAN, local_today()), pdf())
    diligent(contract, admin)
    db.session.commit()

    # release: milestone by milestone, never beyond what was withheld
    with pytest.raises(Refused, match="超出暂扣金额"):
        pay(contract, admin, Payer.ENTERPRISE, 30 * WAN + 1, second)
    with pytest.raises(Refused, match="失败前已确认的里程碑"):
        pay(contract, admin, Payer.ENTERPRISE, WAN, third)
    pay(contract, admin, Payer.ENTERPRISE, 30 * WAN, second)
    pay(contract, admin, Payer.GOVERNMENT, 6 * WAN, first)
    pay(contract, admin, Payer.GOVERNMENT, 6 * WAN, second)
    db.session.commit()
    totals = contract_totals(contract)
    assert (totals.paid, totals.withheld, totals.released) == (72 * WAN, 0, 48 * WAN)

    # receipts: only the issuer, verified once by the bureau, never above the claim
    with pytest.raises(Refused, match="发榜企业"):
        dil.add_receipt(contract, people["solver"], dil.ReceiptInput("x", WAN, local_today()), pdf())
    big = dil.add_receipt(contract, issuer, dil.ReceiptInput("样机材料费", 80 * WAN, local_today()), pdf())
    small = dil.add_receipt(contract, issuer, dil.ReceiptInput("测试费", 20 * WAN, local_today()), pdf())
    with pytest.raises(Refused, match="之间"):
        dil.verify_receipt(big, admin, 80 * WAN + 1, "")
    with pytest.raises(Refused, match="理由"):
        dil.verify_receipt(big, admin, 70 * WAN, "")
    dil.verify_receipt(big, admin, 70 * WAN, "其中 10 万元为管理费，不予认可")
    dil.verify_receipt(small, admin, 20 * WAN, "")
    with pytest.raises(Refused, match="已核定"):
        dil.verify_receipt(small, admin, 0, "改")
    db.session.commit()
    assert dil.verified_spend(contract) == 90 * WAN

    # limit: 30 % of 90 万 = 27 万, within the 榜's cap (none set yet: 0)
    assert app.config["RISK_COMPENSATION_SHARE_BP"] == 3000
    assert dil.compensation_limit(contract) == 0
    with pytest.raises(Refused, match="超出可补偿金额"):
        dil.pay_compensation(contract, admin, WAN, local_today(), "补偿-1")
    dil.set_compensation_cap(board, admin, 25 * WAN)
    assert dil.compensation_limit(contract) == 25 * WAN
    dil.set_compensation_cap(board, admin, 50 * WAN)
    assert dil.compensation_limit(contract) == 27 * WAN
    dil.pay_compensation(contract, admin, 20 * WAN, local_today(), "补偿-1")
    with pytest.raises(Refused, match="超出可补偿金额"):
        dil.pay_compensation(contract, admin, 7 * WAN + 1, local_today(), "补偿-2")
    entry = dil.pay_compensation(contract, admin, 7 * WAN, local_today(), "补偿-2")
    db.session.commit()
    assert (entry.kind, entry.payer, entry.payee) == (EntryKind.COMPENSATION, Payer.GOVERNMENT,
                                                      board.issuer.name)
    with pytest.raises(Refused, match="不能低于"):
        dil.set_compensation_cap(board, admin, 26 * WAN)
    totals = contract_totals(contract)
    assert (totals.compensated, totals.paid) == (27 * WAN, 72 * WAN)  # compensation is not a payment
    assert [e.amount_fen for e in db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind == EntryKind.COMPENSATION).order_by(LedgerEntry.id))] == [20 * WAN, 7 * WAN]
    assert len(events("contract", contract.id, "compensate")) == 2
    assert len(events("contract", contract.id, "verify_receipt")) == 2
    assert len(events("challenge", board.id, "set_compensation_cap")) == 2


def test_the_cap_is_shared_by_the_boards_contracts(make, people):
    admin = people["admin"]
    board = board_for(make, people, max_winners=2)
    contracts = [make.contract(board, admin, solver=s, sign=True, amount_fen=50 * WAN)
                 for s in (people["solver"], people["other_solver"])]
    for c in contracts:
        ops.fail_contract(c, admin, "失败", FailureRule.TERMINATE)
        diligent(c, admin)
        receipt = dil.add_receipt(c, people["issuer"], dil.ReceiptInput("材料", 100 * WAN, local_today()),
                                  pdf())
        dil.verify_receipt(receipt, admin, 100 * WAN, "")
    dil.set_compensation_cap(board, admin, 40 * WAN)
    dil.pay_compensation(contracts[0], admin, 30 * WAN, local_today(), "a")
    db.session.commit()
    # 30 % of 100 万 = 30 万 each, but the 榜's 40 万 cap leaves 10 万 for the second
    assert dil.compensation_limit(contracts[1]) == 10 * WAN
    with pytest.raises(Refused, match="超出可补偿金额"):
        dil.pay_compensation(contracts[1], admin, 10 * WAN + 1, local_today(), "b")


def test_negligent_failure_forfeits_withheld_money_and_records_the_solver(people, withheld):
    _board, contract = withheld
    admin = people["admin"]
    with pytest.raises(Refused, match="失信"):
        dil.determine(contract, admin, Diligence.NEGLIGENT, "擅自变更技术路线", DeterminedBy.EXPERT_GROUP,
                      "张三、李四")
    dil.determine(contract, admin, Diligence.NEGLIGENT, "擅自变更技术路线", DeterminedBy.EXPERT_GROUP,
                  "张三、李四", finding=finding())
    db.session.commit()
    record = db.session.scalars(select(IntegrityRecord)).one()
    assert (record.organization_id, record.contract_id) == (contract.solver_org_id, contract.id)
    totals = contract_totals(contract)
    assert (totals.withheld, totals.released) == (0, 90 * WAN)  # 120 万 committed − 30 万 paid
    with pytest.raises(Refused, match="失职"):
        pay(contract, admin, Payer.ENTERPRISE, WAN, contract.milestones[1])
    with pytest.raises(Refused, match="尽职"):
        dil.add_receipt(contract, people["issuer"], dil.ReceiptInput("材料", WAN, local_today()), pdf())
    assert len(events("integrity_record", record.id, "record_finding")) == 1


# -- 失信 records: enforcement ------------------------------------------------------------------

def test_a_recorded_organisation_is_refused_at_bid_with_the_reason(client, auth, people, make):
    board = open_board(make, people)
    solver = people["solver"]
    integrity.record_finding(people["admin"], finding(), organization=solver.organization)
    db.session.commit()
    auth.login(solver)
    page = client.get(f"/challenges/{board.id}/bid")
    assert page.status_code == 403
    assert "失信" in page.text and "伪造实验数据" in page.text
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    assert db.session.scalars(select(Proposal)).all() == []
    with pytest.raises(Refused, match="失信"):
        from challenge.bidding import operations as bidding
        bidding.start_proposal(board, solver, {})


def test_a_recorded_partner_is_refused_at_submission(client, auth, people, make):
    board = open_board(make, people)
    partner = make.org(name="示范市先进材料研究院", type=OrgType.INSTITUTE)
    integrity.record_finding(people["admin"], finding(), organization=partner)
    db.session.commit()
    auth.login(people["solver"])
    page = client.post(f"/challenges/{board.id}/bid", data=bid_form(board), follow_redirects=True)
    proposal = db.session.scalars(select(Proposal)).one()  # the draft is kept…
    assert proposal.state is ProposalState.DRAFT  # …but not submitted, and the bidder is told why
    assert "联合体成员" in page.text and "示范市先进材料研究院" in page.text


@pytest.mark.parametrize("start_days_ago,days_left,refused", [
    (0, 1, True),      # in force from today
    (30, 0, False),    # expired today: the expiry date is the first day free
    (30, -5, False),   # long expired
    (-3, 30, False),   # starts in three days
])
def test_a_record_is_enforced_only_while_in_force(client, auth, people, make, start_days_ago,
                                                   days_left, refused):
    board = open_board(make, people)
    today = local_today()
    db.session.add(IntegrityRecord(
        organization_id=people["solver"].organization_id, grade=IntegrityGrade.GENERAL, reason="逾期",
        starts_on=today - timedelta(days=start_days_ago), expires_on=today + timedelta(days=days_left),
        recorded_by_id=people["admin"].id))
    db.session.commit()
    auth.login(people["solver"])
    assert (client.get(f"/challenges/{board.id}/bid").status_code == 403) == refused


def test_a_recorded_expert_cannot_be_seated_nor_proposed(make, people):
    admin = people["admin"]
    board = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=admin)
    expert = make.user(Role.REVIEWER, name="失信专家")
    clean = make.user(Role.REVIEWER, name="守信专家")
    integrity.record_finding(admin, finding(), person=expert)
    db.session.commit()
    with pytest.raises(Refused, match="失信"):
        panels.seat_reviewer(board, expert, admin)
    assert set(panels.conflicts_for(board, [expert, clean])) == {expert.id}
    panels.seat_reviewer(board, clean, admin)


# -- 失信 records: one objection, an answer, publication -------------------------------------

def test_the_party_objects_once_and_the_bureau_answers(make, people):
    admin, solver = people["admin"], people["solver"]
    org_admin = make.user(Role.SOLVER, org=solver.organization, org_admin=True)
    record = integrity.record_finding(admin, finding(), organization=solver.organization)
    db.session.commit()
    with pytest.raises(Refused, match="管理员"):
        integrity.object_to(record, solver, "不服")  # a member, not the organisation's admin
    with pytest.raises(Refused, match="管理员"):
        integrity.object_to(record, people["other_solver"], "不服")
    with pytest.raises(Refused, match="没有待答复"):
        integrity.answer_objection(record, admin, "维持")
    integrity.object_to(record, org_admin, "数据系设备故障所致，附检修记录")
    db.session.commit()
    with pytest.raises(Refused, match="只能提出一次"):
        integrity.object_to(record, org_admin, "再议")
    with pytest.raises(Refused, match="没有待答复"):
        integrity.answer_objection(record, people["issuer"], "维持")
    integrity.answer_objection(record, admin, "经复核，维持原记录")
    db.session.commit()
    with pytest.raises(Refused, match="没有待答复"):
        integrity.answer_objection(record, admin, "再答")
    assert (record.objection, record.answer) == ("数据系设备故障所致，附检修记录", "经复核，维持原记录")
    for action in ("record_finding", "object", "answer_objection"):
        assert len(events("integrity_record", record.id, action)) == 1


def test_a_person_objects_for_themselves(make, people):
    expert = make.user(Role.REVIEWER)
    record = integrity.record_finding(people["admin"], finding(), person=expert)
    with pytest.raises(Refused):
        integrity.object_to(record, people["reviewer"], "不是我")
    integrity.object_to(record, expert, "评审意见系独立作出")
    assert record.objected_by_id == expert.id


def test_recording_checks_its_values(people):
    admin, org = people["admin"], people["solver"].organization
    with pytest.raises(Refused, match="失效日期"):
        integrity.record_finding(admin, finding(days_left=0), organization=org)
    with pytest.raises(Refused, match="一个单位或一位个人"):
        integrity.record_finding(admin, finding())
    with pytest.raises(Refused, match="科技局"):
        integrity.record_finding(people["issuer"], finding(), organization=org)


# -- the pages --------------------------------------------------------------------------------

def test_the_diligence_pages_take_the_story_from_determination_to_compensation(
        client, auth, people, withheld):
    board, contract = withheld
    admin, issuer = people["admin"], people["issuer"]
    url = f"/contracts/{contract.id}/diligence"
    auth.login(people["other_solver"])
    assert client.get(url).status_code == 404  # not a party: the page does not exist for them
    auth.logout()
    auth.login(admin)
    assert "登记认定" in client.get(url).text
    refused = client.post(f"/contracts/{contract.id}/determination", data={
        "verdict": "negligent", "determined_by": "expert_group", "determiners": "张三",
        "reasons": "擅自变更路线"})
    assert refused.status_code == 400 and "失效日期" in refused.text  # next to the field, kept
    assert "擅自变更路线" in refused.text and dil.determination_of(contract) is None
    client.post(f"/contracts/{contract.id}/determination", data={
        "verdict": "diligent", "determined_by": "third_party", "determiners": "示范市科技评估中心",
        "reasons": "投入到位，失败系技术风险", "evidence": (io.BytesIO(PDF), "评估报告.pdf")},
        content_type="multipart/form-data")
    made = dil.determination_of(contract)
    assert made.verdict is Diligence.DILIGENT and made.files[0].original_name == "评估报告.pdf"
    download = client.get(f"/diligence-files/{made.files[0].id}")
    assert download.data == PDF
    download.close()
    auth.logout()

    auth.login(issuer)
    page = client.get(url)
    assert "上传凭证" in page.text and "登记风险补偿" not in page.text
    client.post(f"/contracts/{contract.id}/receipts", data={
        "description": "样机材料费", "amount": "50", "spent_on": local_today().isoformat(),
        "file": (io.BytesIO(PDF), "发票.pdf")}, content_type="multipart/form-data")
    receipt = dil.receipts_of(contract)[0]
    assert receipt.amount_fen == 50 * WAN
    auth.logout()

    auth.login(admin)
    client.post(f"/receipts/{receipt.id}/verify", data={f"r{receipt.id}-verified": "40",
                                                        f"r{receipt.id}-note": "管理费不予认可"})
    client.post(f"/contracts/{contract.id}/compensation-cap", data={"cap": "100"})
    over = client.post(f"/contracts/{contract.id}/compensation", data={
        "amount": "12.000001", "paid_on": local_today().isoformat(), "reference": "BC-1"})
    assert over.status_code == 400 and "超出可补偿金额" in over.text  # 30 % of 40 万 = 12 万
    client.post(f"/contracts/{contract.id}/compensation", data={
        "amount": "12", "paid_on": local_today().isoformat(), "reference": "BC-1"})
    assert contract_totals(contract).compensated == 12 * WAN
    shown = client.get(f"/contracts/{contract.id}").text
    assert "放行暂扣款" in shown and "尽职" in shown


def test_the_integrity_pages_record_object_answer_and_publish(client, auth, people, make):
    admin, solver = people["admin"], people["solver"]
    org = solver.organization
    head = make.user(Role.SOLVER, org=org, org_admin=True)
    db.session.commit()
    today = local_today()
    auth.login(admin)
    form = {"party_kind": "organization", "party": org.name, "grade": "serious",
            "reason": "伪造检测报告", "evidence": "检测机构函", "starts_on": today.isoformat(),
            "expires_on": today.isoformat()}
    refused = client.post("/admin/integrity", data=form)
    assert refused.status_code == 400 and "失效日期须晚于生效日期" in refused.text
    assert "伪造检测报告" in refused.text and db.session.scalars(select(IntegrityRecord)).all() == []
    missing = client.post("/admin/integrity", data={**form, "party": "不存在的单位"})
    assert "没有这个名称的单位" in missing.text
    client.post("/admin/integrity", data={**form, "expires_on": (today + timedelta(days=730)).isoformat()})
    record = db.session.scalars(select(IntegrityRecord)).one()
    assert (record.organization_id, record.published) == (org.id, False)
    public = client.get(f"/organizations/{org.id}").text
    assert "伪造检测报告" not in public  # not published yet
    auth.logout()

    auth.login(solver)  # a member sees it but may not object for the organisation
    page = client.get("/integrity/mine").text
    assert "伪造检测报告" in page and "提出异议" not in page
    auth.logout()
    auth.login(head)
    assert "提出异议" in client.get("/integrity/mine").text
    client.post(f"/integrity/{record.id}/objection", data={"text": "报告系检测机构笔误"})
    again = client.post(f"/integrity/{record.id}/objection", data={"text": "再议"})
    assert again.status_code == 400 and "只能提出一次" in again.text
    assert record.objection == "报告系检测机构笔误"
    auth.logout()

    auth.login(admin)
    client.post(f"/admin/integrity/{record.id}", data={"text": "经核实，维持记录"})
    client.post(f"/admin/integrity/{record.id}/publish")
    assert (record.answer, record.published) == ("经核实，维持记录", True)
    auth.logout()
    public = client.get(f"/organizations/{org.id}").text
    assert "伪造检测报告" in public and "经核实，维持记录" in public
