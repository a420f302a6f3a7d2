"""Issue 14 items 5 and 6: a panel's due date and the reminders before it and on it (once per
reviewer and kind), the bureau's to-do list and its notices, the admin 榜 page's links into
review, a bidder's own feedback once 公示 opens, and the bureau's rating of reviewers."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.jobs import tasks
from challenge.models import (
    AuditEvent,
    ExpertProfile,
    Notification,
    OutboundEmail,
    Review,
    ReviewerRating,
    ReviewReminder,
)
from challenge.reviewing import deadlines, ratings
from challenge.reviewing.decision import answer_objection, decide, file_objection
from challenge.reviewing.feedback import rank_band
from challenge.reviewing.todo import todo_lists
from challenge.states import ChallengeState, OrgType, ProposalState, ReviewState, Role
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform
from tests.test_bidding import bid_form, open_board
from tests.test_decision import review_board, scores_for


def fresh_board(client, auth, make, people, totals, missing=0):
    """test_decision.review_board with bidders of their own (new organisations), so that one
    test may build several 榜 under review."""
    own = {key: make.user(Role.SOLVER, org=make.org(type=OrgType.INSTITUTE)) for key in
           ("solver", "other_solver")}
    db.session.commit()
    return review_board(client, auth, make, {**people, **own}, totals, missing=missing)


# -- the due date ----------------------------------------------------------------------------


def test_the_first_seat_sets_the_due_date_review_days_on_and_audits_it(app, client, auth, make,
                                                                       people):
    board, _bids, _bidders, _reviewers = review_board(client, auth, make, people, [[80, 70]])
    assert board.review_due_on == local_today() + timedelta(days=app.config["REVIEW_DAYS"])
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "challenge", AuditEvent.object_id == board.id,
        AuditEvent.action == "set_review_due")).all()
    assert len(events) == 1  # the second seat keeps the date
    assert events[0].changes == {"review_due_on": [None, board.review_due_on.isoformat()]}


@pytest.mark.parametrize("typed, message", [
    ("", "请填写评审截止日期。"),
    ("2026-02-30", "日期格式应为 YYYY-MM-DD"),
    ("yesterday", "日期格式应为 YYYY-MM-DD"),
    ((local_today() - timedelta(days=1)).isoformat(), "评审截止日期不能早于今天。"),
])
def test_a_bad_due_date_is_refused_next_to_the_field_and_kept(client, auth, make, people, typed,
                                                             message):
    board, *_ = review_board(client, auth, make, people, [[80, 70]])
    before = board.review_due_on
    auth.login(people["admin"])
    response = client.post(f"/admin/panels/{board.id}/deadline", data={"due_on": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="err-due_on"' in html and message in html.split('id="err-due_on"')[1][:200]
    assert f'value="{typed}"' in html
    db.session.expire_all()
    assert board.review_due_on == before


def test_the_bureau_moves_the_due_date_audited(client, auth, make, people):
    board, *_ = review_board(client, auth, make, people, [[80, 70]])
    old = board.review_due_on
    new = local_today() + timedelta(days=30)
    auth.login(people["admin"])
    response = client.post(f"/admin/panels/{board.id}/deadline", data={"due_on": new.isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert board.review_due_on == new
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "set_review_due", AuditEvent.object_id == board.id)
        .order_by(AuditEvent.id.desc())).first()
    assert event.changes == {"review_due_on": [old.isoformat(), new.isoformat()]}
    assert event.actor_id == people["admin"].id
    html = client.get(f"/admin/panels/{board.id}").get_data(as_text=True)
    assert new.isoformat() in html.split('data-testid="panel-due"')[1][:300]


# -- reminders -------------------------------------------------------------------------------


def _owing_board(client, auth, make, people, fresh=False):
    """Two bids, three reviewers; the third reviewer has not submitted their second review and
    the panel is due in 10 days. Returns (board, reviewers)."""
    board, _bids, _bidders, reviewers = (fresh_board if fresh else review_board)(
        client, auth, make, people, [[80, 82, 78], [70, 72, 68]], missing=1)
    board.review_due_on = local_today() + timedelta(days=10)
    db.session.commit()
    return board, reviewers


def _reminded(reviewer) -> list[str]:
    return [str(n.message) for n in db.session.scalars(select(Notification).where(
        Notification.user_id == reviewer.id, Notification.link == "/reviews")
        .order_by(Notification.id))]


# days before the due date on which the job runs, in order → reminders the owing reviewer has
@pytest.mark.parametrize("days_before, expected", [
    ([11, 4], []),                          # too early: nothing
    ([3], ["before"]),                      # REVIEW_REMIND_DAYS_BEFORE = 3
    ([3, 3, 2, 1], ["before"]),             # once, however often the job runs
    ([3, 0], ["before", "due"]),            # then on the due date
    ([3, 0, 0, -1, -5], ["before", "due"]),  # the due reminder once too
    ([0], ["due"]),                         # no "before" once the day has come
    ([-2], ["due"]),                        # a job that missed the day still reminds
])
def test_reminders_before_and_on_the_due_date_once_each(app, client, auth, make, people,
                                                        days_before, expected):
    board, reviewers = _owing_board(client, auth, make, people)
    owing = reviewers[2]
    for days in days_before:
        deadlines.remind_reviewers(today=board.review_due_on - timedelta(days=days))
        db.session.commit()
    kinds = list(db.session.scalars(select(ReviewReminder.kind).where(
        ReviewReminder.reviewer_id == owing.id).order_by(ReviewReminder.id)))
    assert kinds == expected
    texts = _reminded(owing)
    assert len(texts) == len(expected)
    for kind, text in zip(expected, texts, strict=True):
        assert board.title in text and board.review_due_on.isoformat() in text
        assert "1 份评分未提交" in text
        assert ("将于" in text) == (kind == "before") and ("已到" in text) == (kind == "due")
    for done in reviewers[:2]:  # every review in: never reminded
        assert _reminded(done) == []
    mails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.to_address == owing.email))
    assert len(list(mails)) == len(expected)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "remind")).all()
    assert [e.changes["reminder"][1] for e in events] == expected
    assert all(e.actor_id is None and e.object_type == "review_assignment" for e in events)


def test_no_reminder_once_the_review_is_in_or_the_board_has_moved_on(client, auth, make, people):
    board, reviewers = _owing_board(client, auth, make, people)
    review = db.session.scalars(select(Review).where(Review.reviewer_id == reviewers[2].id)).first()
    bid = db.session.scalars(select(Review.proposal_id).where(
        Review.reviewer_id == reviewers[1].id, Review.proposal_id != review.proposal_id)).one()
    db.session.add(Review(challenge_id=board.id, proposal_id=bid, reviewer_id=reviewers[2].id,
                          state=ReviewState.SUBMITTED, scores=scores_for(70), comment="意见",
                          submitted_at=utcnow()))
    db.session.commit()
    assert deadlines.remind_reviewers(today=board.review_due_on) == 0
    other, others = _owing_board(client, auth, make, people, fresh=True)
    perform(other, "withdraw", people["issuer"], reason="不再需要")
    db.session.commit()
    assert deadlines.remind_reviewers(today=other.review_due_on) == 0
    assert _reminded(others[2]) == []


def test_moving_the_due_date_lets_the_reminders_follow_it(client, auth, make, people):
    board, reviewers = _owing_board(client, auth, make, people)
    deadlines.remind_reviewers(today=board.review_due_on - timedelta(days=2))
    db.session.commit()
    deadlines.set_due_date(board, board.review_due_on + timedelta(days=7), people["admin"],
                           today=local_today())
    db.session.commit()
    deadlines.remind_reviewers(today=board.review_due_on - timedelta(days=1))
    db.session.commit()
    assert len(_reminded(reviewers[2])) == 2


def test_the_periodic_job_reminds_once_per_period(app, client, auth, make, people):
    board, reviewers = _owing_board(client, auth, make, people)
    board.review_due_on = local_today()
    db.session.commit()
    assert tasks.leased("remind-reviewers") == "reminded 1"
    assert tasks.leased("remind-reviewers") == "skipped: already run this period"
    assert tasks.remind_reviewers() == "reminded 0"  # a later period: already reminded
    assert len(_reminded(reviewers[2])) == 1


# -- the bureau's to-do --------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {t.key: t.count for t in todo_lists()}


def test_the_to_do_lists_each_kind_of_item_and_the_dashboard_links_it(client, auth, make, people):
    # A 榜 closed without a bid needs 流榜, not a panel: nothing to do on the list.
    make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"])
    assert _counts() == dict.fromkeys(("qualify", "seat", "decide", "objections", "contracts"), 0)
    # A 榜 closed with a bid not yet checked, no panel yet: to qualify, and to seat.
    waiting = open_board(make, people)
    auth.login(people["solver"])
    client.post(f"/challenges/{waiting.id}/bid", data=bid_form(waiting))
    auth.logout()
    perform(waiting, "close", "system", now=waiting.deadline_at + timedelta(seconds=1))
    db.session.commit()
    assert _counts() == {"qualify": 1, "seat": 1, "decide": 0, "objections": 0, "contracts": 0}
    # A panel complete: to decide (its seats are full).
    complete, *_ = fresh_board(client, auth, make, people, [[80, 82, 78]])
    assert _counts()["decide"] == 1 and _counts()["seat"] == 1
    # One review missing: not yet.
    short, *_ = fresh_board(client, auth, make, people, [[80, 82, 78]], missing=1)
    assert _counts()["decide"] == 1
    # A decision: a contract to draft; an objection: one to answer.
    decided, bids, _bidders, _ = fresh_board(client, auth, make, people, [[80, 82, 78], [70, 72, 68]])
    decide(decided, people["admin"], [bids[0].id], "综合得分第一。", {})
    file_objection(decided, people["other_enterprise"], "评分不公")
    db.session.commit()
    counts = _counts()
    assert counts == {"qualify": 1, "seat": 1, "decide": 1, "objections": 1, "contracts": 1}
    auth.login(people["admin"])
    html = client.get("/admin/").get_data(as_text=True)
    for key, link in (("qualify", f"/challenges/{waiting.id}/proposals"),
                      ("seat", f"/admin/panels/{waiting.id}"),
                      ("decide", f"/admin/challenges/{complete.id}/decision"),
                      ("objections", f"/admin/challenges/{decided.id}/decision"),
                      ("contracts", f"/admin/challenges/{decided.id}/contracts")):
        part = html.split(f'data-testid="todo-{key}"')[1].split("</ul>")[0]
        assert f'data-testid="todo-count-{key}">1<' in part and f'href="{link}"' in part, key
    assert f"/admin/challenges/{short.id}/decision" not in html.split('data-testid="todo"')[1]


def _admin_notices(admin, link) -> list[str]:
    return [str(n.message) for n in db.session.scalars(select(Notification).where(
        Notification.user_id == admin.id, Notification.link == link))]


def test_admins_hear_when_a_to_do_item_arrives(client, auth, make, people):
    other_admin = make.user(Role.ADMIN, name="另一管理员")
    db.session.commit()
    # bids wait for the eligibility check when the clock closes the 榜
    board, bids, _bidders, reviewers = review_board(client, auth, make, people, [[80, 70]],
                                                    missing=1)
    for admin in (people["admin"], other_admin):
        assert any("收到 1 个揭榜方案" in t for t in _admin_notices(
            admin, f"/challenges/{board.id}/proposals"))
    # the last review completes the panel
    link = f"/admin/challenges/{board.id}/decision"
    assert _admin_notices(other_admin, link) == []
    review = Review(challenge_id=board.id, proposal_id=bids[0].id, reviewer_id=reviewers[1].id,
                    scores=scores_for(70), comment="意见")
    db.session.add(review)
    db.session.flush()
    perform(review, "submit", reviewers[1])
    db.session.commit()
    assert any("评审已全部完成" in t for t in _admin_notices(other_admin, link))
    # the decision: the other admins are asked for the contracts
    decide(board, people["admin"], [bids[0].id], "综合得分第一。", {})
    db.session.commit()
    contracts = f"/admin/challenges/{board.id}/contracts"
    assert any("起草合同" in t for t in _admin_notices(other_admin, contracts))
    assert _admin_notices(people["admin"], contracts) == []  # not told of their own action


def test_a_board_under_review_links_bids_panel_and_decision_from_its_admin_page(client, auth, make,
                                                                              people):
    board, *_ = review_board(client, auth, make, people, [[80, 70]])
    auth.login(people["admin"])
    html = client.get(f"/admin/challenges/{board.id}").get_data(as_text=True)
    links = html.split('data-testid="review-links"')[1].split("</div>")[0]
    for path in (f"/challenges/{board.id}/proposals", f"/admin/panels/{board.id}",
                 f"/admin/panels/{board.id}/deadline", f"/admin/challenges/{board.id}/decision"):
        assert f'href="{path}"' in links
    draft = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
    html = client.get(f"/admin/challenges/{draft.id}").get_data(as_text=True)
    assert 'data-testid="review-links"' not in html


# -- a bidder's feedback -------------------------------------------------------------------


@pytest.mark.parametrize("place, tied, size, band", [
    (1, 1, 1, "第 1 名（共 1 个方案）"),
    (2, 1, 3, "第 2 名（共 3 个方案）"),
    (2, 2, 4, "并列第 2–3 名（共 4 个方案）"),
    (1, 1, 5, "前 25%（共 5 个方案）"),
    (2, 1, 8, "前 25%（共 8 个方案）"),
    (3, 1, 8, "前 25%–50%（共 8 个方案）"),
    (5, 1, 8, "前 50%–75%（共 8 个方案）"),
    (8, 1, 8, "后 25%（共 8 个方案）"),
    (5, 4, 8, "前 50%–75%（共 8 个方案）"),  # a tie counts from its best place
])
def test_rank_band(app, place, tied, size, band):
    with app.test_request_context():
        assert rank_band(place, tied, size) == band


def _feedback(client, auth, user, bid) -> tuple[int, str | None]:
    auth.logout()
    auth.login(user)
    response = client.get(f"/proposals/{bid.id}")
    html = response.get_data(as_text=True)
    part = html.split('data-testid="feedback"')[1].split("</section>")[0] \
        if 'data-testid="feedback"' in html else None
    return response.status_code, part


def test_feedback_visibility(client, auth, make, people):
    """Table: who sees feedback on which bid page, before and after 公示 opens."""
    board, bids, bidders, reviewers = review_board(client, auth, make, people,
                                                   [[80, 82, 78], [70, 72, 68]])
    db.session.execute(Review.__table__.update().where(Review.proposal_id == bids[1].id)
                       .values(comment="预算偏高，专家甲认为可行"))
    db.session.commit()
    colleague = make.user(Role.SOLVER, org=bidders[0].organization, name="同单位成员")
    db.session.commit()
    # Panel complete, no decision yet: nobody sees feedback.
    assert _feedback(client, auth, bidders[0], bids[0]) == (200, None)
    decide(board, people["admin"], [bids[0].id], "综合得分第一。", {})
    db.session.commit()
    table = [  # (who, whose bid, status, feedback shown)
        (bidders[0], 0, 200, True), (colleague, 0, 200, True), (bidders[1], 1, 200, True),
        (bidders[0], 1, 403, False), (bidders[1], 0, 403, False), (people["issuer"], 0, None, False),
        (reviewers[0], 0, None, False), (people["admin"], 0, 200, False),
    ]
    for who, index, status, shown in table:
        got, part = _feedback(client, auth, who, bids[index])
        assert (status is None or got == status) and (part is not None) == shown, (who.name, index)
    _, mine = _feedback(client, auth, bidders[0], bids[0])
    assert "80.00" in mine and "第 1 名（共 2 个方案）" in mine and "意见" in mine
    _, theirs = _feedback(client, auth, bidders[1], bids[1])
    assert "70.00" in theirs and "第 2 名（共 2 个方案）" in theirs and "预算偏高" in theirs
    assert "80.00" not in theirs
    for reviewer in reviewers:  # anonymised: no reviewer's name (a comment's own words aside)
        assert reviewer.name not in mine and reviewer.name not in theirs
    # An upheld objection sends the 榜 back to review: the feedback is hidden again.
    objection = file_objection(board, people["other_enterprise"], "评分不公")
    answer_objection(objection, people["admin"], "uphold", "重新评定")
    db.session.commit()
    assert bids[0].state is ProposalState.QUALIFIED
    assert _feedback(client, auth, bidders[0], bids[0]) == (200, None)


# -- rating reviewers ----------------------------------------------------------------------


def test_rating_waits_for_the_panel_then_is_audited_and_kept_on_the_expert_record(client, auth,
                                                                                 make, people):
    board, _bids, _bidders, reviewers = review_board(client, auth, make, people, [[80, 70]],
                                                     missing=1)
    auth.login(people["admin"])
    target = reviewers[0]
    form = {"reviewer": target.id, "timeliness": "4", "quality": "5", "note": "意见具体"}
    html = client.post(f"/admin/panels/{board.id}/ratings", data=form).get_data(as_text=True)
    assert "评审工作完成后才能评价评审专家。" in html
    review = Review(challenge_id=board.id, proposal_id=_bids[0].id, reviewer_id=reviewers[1].id,
                    state=ReviewState.SUBMITTED, scores=scores_for(70), comment="意见",
                    submitted_at=utcnow())
    db.session.add(review)
    db.session.commit()
    for bad, field, message in ((dict(form, timeliness="6"), "timeliness", "请选择 1 到 5 分。"),
                                (dict(form, quality=""), "quality", "请选择 1 到 5 分。"),
                                (dict(form, note="长" * 1001), "note", "评价说明不超过 1000 字。")):
        response = client.post(f"/admin/panels/{board.id}/ratings", data=bad)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html.split(f'id="err-{target.id}-{field}"')[1][:200]
    assert db.session.scalar(select(func.count(ReviewerRating.id))) == 0
    outsider = make.user(Role.REVIEWER, name="局外专家")
    db.session.commit()
    html = client.post(f"/admin/panels/{board.id}/ratings",
                       data=dict(form, reviewer=outsider.id)).get_data(as_text=True)
    assert "局外专家 不在本榜的评审组中。" in html
    assert client.post(f"/admin/panels/{board.id}/ratings", data=form).status_code == 302
    assert client.post(f"/admin/panels/{board.id}/ratings",
                       data=dict(form, timeliness="2")).status_code == 302  # re-rated
    rating = db.session.scalars(select(ReviewerRating)).one()
    assert (rating.timeliness, rating.quality, rating.note) == (2, 5, "意见具体")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rate")
                                .order_by(AuditEvent.id)).all()
    assert [e.changes["timeliness"] for e in events] == [[None, 4], [4, 2]]
    assert all(e.object_type == "reviewer_rating" for e in events)
    profile = ExpertProfile(user_id=target.id, name=target.name, source="self")
    db.session.add(profile)
    db.session.commit()
    html = client.get(f"/admin/experts/{profile.id}/edit").get_data(as_text=True)
    record = html.split('data-testid="expert-ratings"')[1]
    assert board.title in record and "按时程度 2 / 5，意见质量 5 / 5" in record


def test_ratings_weigh_proposals_only_when_configured(app, make, people):
    good, poor, unrated = (make.user(Role.REVIEWER, name=n) for n in ("优", "差", "新"))
    board = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"])
    for who, mark in ((good, 5), (poor, 1)):
        db.session.add(ReviewerRating(challenge_id=board.id, reviewer_id=who.id, timeliness=mark,
                                      quality=mark, rated_by_id=people["admin"].id))
    db.session.commit()
    scores = {board.id: {good.id: 60.0, poor.id: 60.0, unrated.id: 60.0}}
    assert ratings.weigh(scores) == scores  # REVIEWER_RATING_WEIGHT = 0: off
    app.config["REVIEWER_RATING_WEIGHT"] = 0.5
    try:
        assert ratings.weigh(scores) == {board.id: {good.id: 90.0, poor.id: 30.0, unrated.id: 60.0}}
    finally:
        app.config["REVIEWER_RATING_WEIGHT"] = 0.0


def test_a_reviewer_sees_the_due_date_of_each_panel(client, auth, make, people):
    board, _bids, _bidders, reviewers = review_board(client, auth, make, people, [[80, 70]],
                                                     missing=1)
    auth.login(reviewers[1])
    html = client.get("/reviews").get_data(as_text=True)
    badge = html.split(f'data-testid="due-{board.id}"')[1][:80]
    assert f"评审截止 {board.review_due_on.isoformat()}" in badge


def test_a_reminder_another_run_wrote_first_is_not_sent_again(client, auth, make, people):
    """Two runs at once read the same "not yet reminded" list; the unique row decides which
    one sends (the second's insert fails inside its savepoint and it sends nothing)."""
    board, reviewers = _owing_board(client, auth, make, people)
    owing = reviewers[2]
    assert deadlines._remind(board, owing, deadlines.DUE, 1, board.review_due_on) is True
    assert deadlines._remind(board, owing, deadlines.DUE, 1, board.review_due_on) is False
    db.session.commit()
    assert len(_reminded(owing)) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "remind")) == 1


def test_propose_panels_weighs_the_ratings_when_configured(app, make, people):
    """The marked call in propose_panels: with REVIEWER_RATING_WEIGHT = 1 a well-rated second
    choice takes the seat of a poorly rated first choice; with 0 the match alone decides."""
    from challenge.reviewing import operations as panels
    from tests.test_panels import reviewer

    board = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"],
                           title="熔喷布过滤效率提升", field="新材料",
                           summary="熔喷非织造布过滤效率与驻极稳定性。")
    board.reviewers_required = 1
    reviewer(make, "熔喷专家甲", "熔喷,驻极,过滤效率,非织造")
    reviewer(make, "熔喷专家乙", "熔喷材料,过滤,驻极体")
    ranked = sorted(panels.candidates_for(board), key=lambda c: -c.match.score)
    first, second = ranked[0].reviewer, ranked[1].reviewer
    assert ranked[0].match.score > ranked[1].match.score > 0
    past = make.challenge(people["issuer"], ChallengeState.CLOSED, admin=people["admin"])
    for who, mark in ((first, 1), (second, 5)):
        db.session.add(ReviewerRating(challenge_id=past.id, reviewer_id=who.id, timeliness=mark,
                                      quality=mark, rated_by_id=people["admin"].id))
    db.session.commit()
    plans, _ = panels.propose_panels([board])
    assert plans[0].proposed == [first.id]  # weight 0: off
    app.config["REVIEWER_RATING_WEIGHT"] = 1.0
    try:
        plans, _ = panels.propose_panels([board])
        assert plans[0].proposed == [second.id]
    finally:
        app.config["REVIEWER_RATING_WEIGHT"] = 0.0
