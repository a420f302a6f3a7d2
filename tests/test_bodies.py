"""Third-party professional bodies (专业机构, issue 15 item 4): appointment, what a body sees,
findings per indicator with test reports, the bureau's adopt / override (audited, through the
door), an expert panel's finding recorded by the bureau, and 验收 waiting on the decided
finding where a body is appointed for acceptance testing."""

import pytest
from sqlalchemy import select

from challenge.bodies import operations as ops
from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, Finding, Notification
from challenge.permissions import can_record_finding, can_view_body, can_view_challenge
from challenge.states import (
    AcceptanceState,
    BodyPurpose,
    ChallengeState,
    Confidentiality,
    ContractState,
    FindingSource,
    FindingState,
    Role,
)
from challenge.workflow import perform, problems
from tests.test_award_progress import pdf_storage, signed_contract, submitted_acceptance

ACCEPT = BodyPurpose.ACCEPTANCE


@pytest.fixture
def body(make):
    user = make.user(Role.BODY, name="示范检测院")
    db.session.commit()
    return user


def results(challenge, passes=(True, True)) -> ops.FindingInput:
    """A complete acceptance finding: a value and a judgement per indicator, one report."""
    items = {i.id: (f"实测{n}", ok) for n, (i, ok) in enumerate(zip(challenge.indicators, passes,
                                                                    strict=True))}
    return ops.FindingInput(summary="按合同约定方法测试", passed=all(passes), items=items,
                            uploads=[pdf_storage("测试报告.pdf")])


def events(finding) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "finding", AuditEvent.object_id == finding.id)
        .order_by(AuditEvent.id)))


def test_a_body_sees_only_the_confidential_challenge_it_is_appointed_to(make, people, body):
    admin, issuer = people["admin"], people["issuer"]
    secret = make.challenge(issuer, ChallengeState.OPEN, admin=admin,
                            confidentiality=Confidentiality.DIRECTED)
    other = make.challenge(issuer, ChallengeState.OPEN, admin=admin,
                           confidentiality=Confidentiality.DESENSITIZED)
    assert not can_view_challenge(body, secret) and not can_view_body(body, other)
    appointment = ops.appoint(secret, admin, body.id, BodyPurpose.SCREENING)
    db.session.commit()
    assert can_view_challenge(body, secret) and can_view_body(body, secret)
    assert can_view_challenge(body, other) and not can_view_body(body, other)  # its public face
    ops.end_appointment(appointment, admin)
    db.session.commit()
    assert not can_view_challenge(body, secret) and not can_view_body(body, secret)
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "body_appointment")).all()
    assert actions == ["appoint_body", "end_appointment"]
    assert db.session.scalar(select(Notification.message).where(Notification.user_id == body.id))


def test_appointing_refuses_what_is_not_an_active_body_or_twice(make, people, body):
    admin = people["admin"]
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=admin)
    with pytest.raises(Refused, match="请选择一个在用的专业机构账号"):
        ops.appoint(board, admin, people["reviewer"].id, ACCEPT)
    with pytest.raises(Refused, match="请选择一个在用的专业机构账号"):
        ops.appoint(board, admin, None, ACCEPT)
    ops.appoint(board, admin, body.id, ACCEPT)
    with pytest.raises(Refused, match="已受托承担本榜的「验收测试」"):
        ops.appoint(board, admin, body.id, ACCEPT)
    with pytest.raises(Refused):
        ops.appoint(board, people["issuer"], body.id, BodyPurpose.EVALUATION)


def test_a_body_records_findings_only_for_its_purpose_and_at_that_stage(make, people, body):
    contract = signed_contract(make, people)
    board = contract.challenge
    ops.appoint(board, people["admin"], body.id, BodyPurpose.EVALUATION)
    db.session.commit()
    assert not can_record_finding(body, board, ACCEPT)  # appointed for evaluation only
    assert can_record_finding(body, board, BodyPurpose.EVALUATION)
    assert not can_record_finding(body, board, BodyPurpose.SCREENING)  # not at this stage
    with pytest.raises(Refused, match="不能在本榜当前阶段提交「验收测试」"):
        ops.record_finding(board, body, ACCEPT, results(board))
    assert not can_record_finding(make.user(Role.BODY), board, BodyPurpose.EVALUATION)


def test_an_acceptance_finding_needs_every_indicator_a_report_and_a_consistent_conclusion(
        make, people, body):
    contract = signed_contract(make, people)
    board = contract.challenge
    ops.appoint(board, people["admin"], body.id, ACCEPT)
    first, second = board.indicators
    data = results(board)
    data.items[second.id] = ("", None)
    data.uploads = []
    found = ops.finding_problems(board, ACCEPT, data, panel=False)
    assert found == {"items": ["指标「呼吸阻力」需填写实测值并判定是否达标。"],
                     "files": ["请上传测试报告。"]}
    inconsistent = results(board, passes=(True, False))
    inconsistent.passed = True
    assert ops.finding_problems(board, ACCEPT, inconsistent, panel=False) == {
        "passed": ["有指标未达标，结论不能为通过。"]}
    with pytest.raises(Refused, match="有指标未达标"):
        ops.record_finding(board, body, ACCEPT, inconsistent)
    assert ops.finding_problems(board, ACCEPT, ops.FindingInput(), panel=True) == {
        "panel_names": ["请填写专家组成员姓名。"], "summary": ["请填写意见内容。"],
        "passed": ["请选择结论。"],
        "items": ["指标「过滤效率」需填写实测值并判定是否达标。",
                  "指标「呼吸阻力」需填写实测值并判定是否达标。"],
        "files": ["请上传测试报告。"]}


def test_adopt_takes_the_finding_conclusion_and_is_audited(make, people, body):
    contract = signed_contract(make, people)
    board = contract.challenge
    ops.appoint(board, people["admin"], body.id, ACCEPT)
    finding = ops.record_finding(board, body, ACCEPT, results(board, passes=(True, False)))
    db.session.commit()
    assert [(i.indicator.name, i.measured_value, i.passed) for i in finding.items] == [
        ("过滤效率", "实测0", True), ("呼吸阻力", "实测1", False)]
    assert [f.original_name for f in finding.files] == ["测试报告.pdf"]
    assert finding.source is FindingSource.BODY and finding.passed is False
    assert any("请采纳或改判" in n for n in db.session.scalars(select(Notification.message).where(
        Notification.user_id == people["admin"].id)))
    assert problems(finding, "adopt", body) == ["您没有权限采纳意见。"]
    ops.adopt(finding, people["admin"])
    db.session.commit()
    assert finding.state is FindingState.ADOPTED and finding.final_passed is False
    assert finding.decided_at is not None
    assert [(e.action, e.to_state) for e in events(finding)] == [
        ("record_finding", "submitted"), ("adopt", "adopted")]
    with pytest.raises(Refused, match="当前状态为「已采纳」"):
        ops.override(finding, people["admin"], "改判", True)


def test_override_needs_a_reason_and_the_bureaus_own_conclusion(make, people, body):
    contract = signed_contract(make, people)
    board = contract.challenge
    ops.appoint(board, people["admin"], body.id, ACCEPT)
    finding = ops.record_finding(board, body, ACCEPT, results(board, passes=(True, False)))
    db.session.commit()
    with pytest.raises(Refused, match="需要填写理由"):
        ops.override(finding, people["admin"], "", True)
    with pytest.raises(Refused, match="请选择科技局改判后的结论"):
        ops.override(finding, people["admin"], "复测数据有效", None)
    ops.override(finding, people["admin"], "复测报告表明呼吸阻力达标", True)
    db.session.commit()
    assert finding.state is FindingState.OVERRIDDEN and finding.final_passed is True
    last = events(finding)[-1]
    assert (last.action, last.reason) == ("override", "复测报告表明呼吸阻力达标")
    assert any("未采纳" in n and "复测报告表明呼吸阻力达标" in n for n in db.session.scalars(
        select(Notification.message).where(Notification.user_id == body.id)))


def test_the_bureau_records_an_expert_panels_finding(make, people):
    contract = signed_contract(make, people)
    board = contract.challenge
    data = results(board)
    data.panel_names = "张三、李四、王五"
    finding = ops.record_finding(board, people["admin"], ACCEPT, data)
    db.session.commit()
    assert finding.source is FindingSource.PANEL and finding.body_id is None
    assert finding.author == "张三、李四、王五"
    with pytest.raises(Refused, match="请填写专家组成员姓名"):
        ops.record_finding(board, people["admin"], ACCEPT, results(board))


def _signed_off(contract, people):
    acceptance = submitted_acceptance(contract, people)
    perform(acceptance, "sign_off", people["issuer"],
            judgements={i.id: True for i in acceptance.items}, opinion="同意")
    db.session.commit()
    return acceptance


def test_acceptance_passes_only_on_a_decided_passing_finding_when_a_body_is_appointed(
        make, people, body):
    admin = people["admin"]
    contract = signed_contract(make, people)
    board = contract.challenge
    ops.appoint(board, admin, body.id, ACCEPT)
    acceptance = _signed_off(contract, people)
    assert problems(acceptance, "pass", admin) == ["已委托专业机构进行验收测试，其测试意见尚未提交。"]
    failing = ops.record_finding(board, body, ACCEPT, results(board, passes=(True, False)))
    db.session.commit()
    assert problems(acceptance, "pass", admin) == ["验收测试意见尚待科技局采纳或改判。"]
    ops.adopt(failing, admin)
    db.session.commit()
    assert problems(acceptance, "pass", admin) == ["科技局认定的验收测试结论为不通过，不能认定验收通过。"]
    retest = ops.record_finding(board, body, ACCEPT, results(board))
    ops.adopt(retest, admin)
    db.session.commit()
    assert problems(acceptance, "pass", admin) == []
    perform(acceptance, "pass", admin)
    db.session.commit()
    assert acceptance.state is AcceptanceState.PASSED and contract.state is ContractState.ACCEPTED


def test_without_a_body_or_finding_acceptance_is_as_before(make, people):
    contract = signed_contract(make, people)
    acceptance = _signed_off(contract, people)
    assert problems(acceptance, "pass", people["admin"]) == []


def test_findings_listed_per_body(make, people, body):
    contract = signed_contract(make, people)
    board = contract.challenge
    other = make.user(Role.BODY)
    ops.appoint(board, people["admin"], body.id, ACCEPT)
    ops.appoint(board, people["admin"], other.id, ACCEPT)
    mine = ops.record_finding(board, body, ACCEPT, results(board))
    theirs = ops.record_finding(board, other, ACCEPT, results(board))
    db.session.commit()
    assert ops.findings(board, body) == [mine]
    assert ops.findings(board) == [theirs, mine]
    assert db.session.scalar(select(Finding.id).where(Finding.body_id == other.id)) == theirs.id


def test_a_screening_opinion_needs_no_indicator_rows_or_report(make, people, body):
    admin = people["admin"]
    board = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=admin,
                           confidentiality=Confidentiality.DESENSITIZED)
    ops.appoint(board, admin, body.id, BodyPurpose.SCREENING)
    opinion = ops.record_finding(board, body, BodyPurpose.SCREENING, ops.FindingInput(
        summary="指标表述可测，建议发布", passed=True))
    ops.adopt(opinion, admin)
    db.session.commit()
    assert opinion.items == [] and opinion.files == [] and opinion.final_passed is True
    perform(board, "publish", admin, deadline_at=board.created_at.replace(year=2099))
    db.session.commit()
    with pytest.raises(Refused, match="不能在本榜当前阶段提交「验收测试」"):
        ops.record_finding(board, body, ACCEPT, results(board, passes=(True,)))
