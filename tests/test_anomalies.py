"""Score anomalies on the decision page (reviewing/anomalies.py): each kind on a constructed panel,
none on a clean one; each flag acknowledged with a reason (audited) before the decision, and
nothing about the scores changed by a flag."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from challenge.config import DefaultConfig
from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, FlagAcknowledgement, Review, ReviewOpening
from challenge.reviewing import anomalies
from challenge.reviewing.decision import decide
from challenge.states import ChallengeState, ProposalState, ReviewState
from challenge.timeutil import utcnow
from challenge.workflow import perform
from tests.test_decision import review_board, scores_for, states

# Comments unlike each other (rapidfuzz ratio well below 90), one per review of a panel.
COMMENTS = [
    "技术路线清晰，关键指标有中试数据支撑，团队在该领域有十年积累。",
    "预算编制偏粗，设备费占比过高，建议压缩外协费用并补充测算依据。",
    "里程碑安排合理，但第二阶段验收指标不够具体，难以客观评判完成情况。",
    "团队负责人承担过同类国家重点研发项目，产业化条件较好，风险可控。",
    "对核心算法的创新点论述不足，与现有公开方案相比优势不明显。",
    "合作单位分工明确，联合体中高校负责基础研究，企业负责工程验证。",
    "知识产权布局薄弱，尚无相关授权专利，后续成果转化存在不确定性。",
    "实施周期偏紧，建议增加三个月的系统联调与可靠性试验时间。",
    "应用场景描述具体，已有两家潜在用户出具意向书，市场前景可期。",
    "经费需求与任务量基本匹配，配套资金来源可靠，自筹比例符合要求。",
    "缺少对标国外先进水平的量化比较，性能提升幅度的论证不充分。",
    "样机已在产线试运行半年，故障率数据翔实，可靠性指标可信。",
]


@pytest.fixture
def real_threshold(app, monkeypatch):
    """The production threshold (the test config sets it to 0 for stories)."""
    monkeypatch.setitem(app.config, "ANOMALY_MIN_REVIEW_MINUTES", DefaultConfig.ANOMALY_MIN_REVIEW_MINUTES)
    assert app.config["ANOMALY_MIN_REVIEW_MINUTES"] == 10


def panel(client, auth, make, people, totals, minutes=60):
    """review_board's panel with reviews that took *minutes* to write and unlike comments."""
    board, bids, bidders, reviewers = review_board(client, auth, make, people, totals)
    reviews = db.session.scalars(select(Review).where(Review.challenge_id == board.id)
                                 .order_by(Review.id)).all()
    for n, review in enumerate(reviews):
        review.comment = COMMENTS[n]
        review.created_at = review.submitted_at - timedelta(minutes=minutes)
    db.session.commit()
    return board, bids, reviewers


def review(bid, reviewer) -> Review:
    return db.session.scalars(select(Review).where(Review.proposal_id == bid.id,
                                                   Review.reviewer_id == reviewer.id)).one()


def found(board, bids, reviewers) -> set[tuple]:
    """The flags as (kind, bid position, reviewer position)."""
    bid_at = {b.id: n for n, b in enumerate(bids)}
    reviewer_at = {r.id: n for n, r in enumerate(reviewers)}
    return {(f.kind, tuple(bid_at[p] for p in f.proposal_ids),
             tuple(reviewer_at[r] for r in f.reviewer_ids)) for f in anomalies.flags_for(board)}


@pytest.mark.parametrize("totals, expected", [
    # clean: reviewers agree, every bid clearly passes or fails
    ([[80, 82, 78], [70, 72, 68]], set()),
    ([[80, 82, 78, 81, 79], [40, 45, 42, 44, 41]], set()),
    # outlier: 45 against 80, 82, 79 (mean 80.3, deviation floored at 5 points: 35 > 2 × 5)
    ([[80, 82, 79, 45], [70, 72, 68, 71]], {("outlier", (0,), (3,))}),
    # outlier measured against the others' own spread: 20 against 40, 80, 60 is within 2 SD
    ([[40, 80, 60, 20]], set()),
    # lift: 64, 58, 60 average 60.67 (passes 60); without the 64 it is 59
    ([[64, 58, 60], [80, 82, 78]], {("lift", (0,), (0,))}),
    # lift, aggregated like the panel's score: 61 62 59 58 60 trimmed is 60.00; without the 61
    # the plain mean of four is 59.75, without the 62 59.50; without the 60 still 60.00
    ([[61, 62, 59, 58, 60]], {("lift", (0,), (0,)), ("lift", (0,), (1,))}),
])
def test_score_flags_on_a_constructed_panel(client, auth, make, people, real_threshold,
                                            totals, expected):
    board, bids, reviewers = panel(client, auth, make, people, totals)
    assert found(board, bids, reviewers) == expected


def test_an_outlier_flag_names_reviewer_bid_and_figures(client, auth, make, people, real_threshold):
    board, bids, reviewers = panel(client, auth, make, people, [[80, 82, 79, 45]])
    [flag] = anomalies.flags_for(board)
    assert flag.key == f"outlier:p{bids[0].id}:r{reviewers[3].id}"
    assert "评审专家3 给方案 #" in flag.text and "打 45 分，其余专家平均 80.3 分" in flag.text


def test_near_identical_comments_of_two_reviewers_are_flagged(client, auth, make, people,
                                                              real_threshold):
    board, bids, reviewers = panel(client, auth, make, people, [[80, 82, 78], [70, 72, 68]])
    copied = review(bids[0], reviewers[0]).comment
    review(bids[1], reviewers[2]).comment = copied.replace("十年", "八年")  # one word changed
    review(bids[1], reviewers[0]).comment = copied  # the same reviewer repeating: not flagged
    db.session.commit()
    # reviewer 0's two copies are not compared with each other; each is with reviewer 2's
    assert found(board, bids, reviewers) == {("similar", (0, 1), (0, 2)),
                                             ("similar", (1, 1), (0, 2))}
    flag = anomalies.flags_for(board)[0]
    assert "评审专家0" in flag.text and "评审专家2" in flag.text and "相似度 9" in flag.text


def test_short_alike_comments_are_not_flagged(client, auth, make, people, real_threshold):
    board, bids, reviewers = panel(client, auth, make, people, [[80, 82, 78]])
    for reviewer in reviewers:
        review(bids[0], reviewer).comment = "同意，方案可行。"
    db.session.commit()
    assert found(board, bids, reviewers) == set()


def test_a_review_written_in_minutes_is_flagged_from_the_first_opening(client, auth, make, people,
                                                                       real_threshold):
    board, bids, reviewers = panel(client, auth, make, people, [[80, 82, 78], [70, 72, 68]])
    hasty, slow_save = review(bids[1], reviewers[1]), review(bids[0], reviewers[2])
    hasty.created_at = hasty.submitted_at - timedelta(minutes=3)
    # saved and submitted in one go, but opened 40 minutes before: not hasty
    slow_save.created_at = slow_save.submitted_at - timedelta(seconds=5)
    db.session.add(ReviewOpening(proposal_id=bids[0].id, reviewer_id=reviewers[2].id,
                                 opened_at=slow_save.submitted_at - timedelta(minutes=40)))
    db.session.commit()
    assert found(board, bids, reviewers) == {("fast", (1,), (1,))}
    [flag] = anomalies.flags_for(board)
    assert flag.key == f"fast:v{hasty.id}" and "仅用 3.0 分钟" in flag.text


def test_opening_the_score_page_is_noted_once(client, auth, make, people):
    board, bids, bidders, reviewers = review_board(client, auth, make, people, [[80, 82]],)
    db.session.delete(review(bids[0], reviewers[0]))  # reviewer 0 has not started yet
    db.session.commit()
    auth.login(reviewers[0])
    for _ in range(2):
        assert client.get(f"/reviews/proposals/{bids[0].id}").status_code == 200
    openings = db.session.scalars(select(ReviewOpening)).all()
    assert [(o.proposal_id, o.reviewer_id) for o in openings] == [(bids[0].id, reviewers[0].id)]
    assert utcnow() - openings[0].opened_at < timedelta(minutes=1)


def test_a_reviewer_who_scored_the_winner_of_another_board_is_flagged(client, auth, make, people,
                                                                       real_threshold):
    board, bids, reviewers = panel(client, auth, make, people, [[80, 82, 78], [70, 72, 68]])
    earlier = make.challenge(people["issuer"], ChallengeState.PUBLICITY, title="早先的榜")
    won = make.winner(earlier, people["solver"])  # the lead organisation of bids[0]
    db.session.add(Review(challenge_id=earlier.id, proposal_id=won.id, reviewer_id=reviewers[1].id,
                          state=ReviewState.SUBMITTED, scores=scores_for(85), comment="好",
                          submitted_at=utcnow() - timedelta(days=90)))
    lost = make.winner(make.challenge(people["issuer"], ChallengeState.PUBLICITY, title="未入选"),
                       people["other_solver"])  # bids[1]'s organisation, but not a winner there
    lost.state = ProposalState.NOT_SELECTED
    db.session.add(Review(challenge_id=lost.challenge_id, proposal_id=lost.id,
                          reviewer_id=reviewers[0].id, state=ReviewState.SUBMITTED,
                          scores=scores_for(60), comment="", submitted_at=utcnow()))
    db.session.commit()
    assert found(board, bids, reviewers) == {("pair", (0,), (1,))}
    [flag] = anomalies.flags_for(board)
    assert flag.key == f"pair:r{reviewers[1].id}:o{bids[0].lead_org_id}"
    assert f"#{earlier.id}「早先的榜」" in flag.text


def test_the_decision_waits_for_every_flag_acknowledged_with_a_reason(client, auth, make, people,
                                                                      real_threshold):
    board, bids, reviewers = panel(client, auth, make, people, [[80, 82, 79, 45], [70, 72, 68, 71]])
    before = {r.id: (r.scores, r.comment) for r in db.session.scalars(select(Review))}
    [flag] = anomalies.flags_for(board)
    auth.login(people["admin"])

    page = client.get(f"/admin/challenges/{board.id}/decision").get_data(as_text=True)
    assert 'data-testid="flag-outlier"' in page and flag.text in page
    response = client.post(f"/admin/challenges/{board.id}/decision",
                           data={"winner": bids[0].id, "reason": "综合得分第一"})
    assert "还有 1 条评分异常提示未确认" in response.get_data(as_text=True)
    assert states(board, *bids) == [ChallengeState.REVIEWING] + [ProposalState.QUALIFIED] * 2
    with pytest.raises(Refused, match="评分异常提示未确认"):  # the door itself refuses
        perform(board, "decide", people["admin"], reason="绕过页面")
    db.session.rollback()

    # no reason: refused next to the field, nothing kept
    html = client.post(f"/admin/challenges/{board.id}/flags",
                       data={"f0-flag": flag.key, "f0-reason": "  "}).get_data(as_text=True)
    assert "请写明已核实该提示的理由" in html.split('name="f0-reason"')[1]
    assert db.session.scalars(select(FlagAcknowledgement)).all() == []
    # a key that is no flag of this 榜
    client.post(f"/admin/challenges/{board.id}/flags",
                data={"f0-flag": "outlier:p1:r1", "f0-reason": "随便"})
    assert db.session.scalars(select(FlagAcknowledgement)).all() == []

    why = "已电话核实：该专家认为技术路线不可行，意见有据"
    response = client.post(f"/admin/challenges/{board.id}/flags",
                           data={"f0-flag": flag.key, "f0-reason": why})
    assert response.status_code == 302
    [ack] = db.session.scalars(select(FlagAcknowledgement)).all()
    assert (ack.flag_key, ack.acknowledged_by_id) == (flag.key, people["admin"].id)
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "acknowledge_flag")).one()
    assert (event.object_type, event.object_id) == ("challenge", board.id)
    assert event.reason.startswith("已电话核实") and event.changes["flag"] == [None, flag.key]
    page = client.get(f"/admin/challenges/{board.id}/decision").get_data(as_text=True)
    assert 'data-testid="acknowledged"' in page and "已电话核实" in page
    # twice: refused
    with pytest.raises(Refused, match="已确认过"):
        anomalies.acknowledge(board, flag.key, "再来一次", people["admin"])
    db.session.rollback()

    response = client.post(f"/admin/challenges/{board.id}/decision",
                           data={"winner": bids[0].id, "reason": "综合得分第一"})
    assert response.status_code == 302
    assert states(board, *bids) == [ChallengeState.PUBLICITY, ProposalState.SELECTED,
                                    ProposalState.NOT_SELECTED]
    after = {r.id: (r.scores, r.comment) for r in db.session.scalars(select(Review))}
    assert after == before  # nothing changed automatically
    with pytest.raises(Refused, match="不在评审中"):  # decided: the flags are history
        anomalies.acknowledge(board, flag.key, "事后补记", people["admin"])


def test_a_clean_panel_decides_without_acknowledgements(client, auth, make, people, real_threshold):
    board, bids, reviewers = panel(client, auth, make, people, [[80, 82, 78], [70, 72, 68]])
    assert anomalies.flags_for(board) == []
    decide(board, people["admin"], [bids[0].id], "综合得分第一", {})
    assert board.state is ChallengeState.PUBLICITY
