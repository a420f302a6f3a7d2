"""答疑: solvers ask on an open 榜, the issuer answers in public, the asker stays anonymous."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.bidding.questions import MAX_UNANSWERED, answer_question, ask_question
from challenge.extensions import db
from challenge.models import AuditEvent, Notification, Question
from challenge.posting import operations as ops
from challenge.states import SYSTEM, ChallengeState, Confidentiality, OrgType, Role
from challenge.workflow import perform

NOTE = "回复将对所有可查看本榜的用户公开，请勿透露保密内容"


@pytest.fixture
def board(make, people):
    return make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])


@pytest.fixture
def asker(make):
    """A solver whose name and organization are distinctive enough to search the page for."""
    org = make.org(name="青岚理工大学", type=OrgType.UNIVERSITY)
    user = make.user(Role.SOLVER, org=org, name="匿名测试员", email="asker@example.cn")
    db.session.commit()
    return user


def ask(client, challenge, body):
    return client.post(f"/challenges/{challenge.id}/questions", data={"body": body})


def reply(client, question, text):
    return client.post(f"/questions/{question.id}/answer", data={"answer": text})


def questions(challenge) -> list[Question]:
    return db.session.scalars(select(Question).where(Question.challenge_id == challenge.id)
                              .order_by(Question.id)).all()


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "question", AuditEvent.action == action)
        .order_by(AuditEvent.id)).all()


def notes_for(user) -> list[Notification]:
    """The user's 答疑 notifications (publishing a 榜 notifies the issuer too)."""
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.link.endswith("#qa"))).all()


def close(challenge) -> None:
    """The deadline passes: the 榜 moves to review."""
    perform(challenge, "close", SYSTEM, now=challenge.deadline_at + timedelta(minutes=1))
    db.session.commit()


def page(client, challenge) -> str:
    response = client.get(f"/challenges/{challenge.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# -- who may ask, in which state --------------------------------------------------------------

ASK_TABLE = [
    ("visitor", ChallengeState.OPEN, 302),
    ("solver", ChallengeState.OPEN, 302),
    ("other_solver", ChallengeState.OPEN, 302),
    ("solver", ChallengeState.REVIEWING, 403),
    ("solver", ChallengeState.PUBLICITY, 403),
    ("solver", ChallengeState.DRAFT, 404),  # a draft is invisible to solvers, as on the hall
    ("solver", ChallengeState.SCREENING, 404),
    ("issuer", ChallengeState.OPEN, 403),
    ("colleague", ChallengeState.OPEN, 403),
    ("other_enterprise", ChallengeState.OPEN, 403),
    ("reviewer", ChallengeState.OPEN, 403),
    ("admin", ChallengeState.OPEN, 403),
    ("issuer", ChallengeState.DRAFT, 403),
]


@pytest.mark.parametrize("role,state,expected", ASK_TABLE,
                         ids=[f"{r}-{s.value}" for r, s, _ in ASK_TABLE])
def test_ask_role_state_table(client, auth, make, people, role, state, expected):
    challenge = make.challenge(people["issuer"], state, admin=people["admin"])
    if role != "visitor":
        auth.login(people[role])
    response = ask(client, challenge, "指标中的阻力是在多大风速下测得的？")
    assert response.status_code == expected
    saved = questions(challenge)
    if expected == 302 and role != "visitor":
        assert response.headers["Location"].endswith(f"/challenges/{challenge.id}#qa")
        assert [q.body for q in saved] == ["指标中的阻力是在多大风速下测得的？"]
        assert saved[0].asker_id == people[role].id and saved[0].answer == ""
    else:
        assert saved == []
    if role == "visitor":
        assert "/auth/login" in response.headers["Location"]


def test_deactivated_solver_cannot_ask(client, auth, people, board):
    auth.login(people["solver"])
    people["solver"].active = False
    db.session.commit()
    response = ask(client, board, "还能提问吗？")  # a deactivated account counts as signed out
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert questions(board) == []


def test_directed_challenge_is_404_unless_invited(client, auth, make, people):
    directed = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                              confidentiality=Confidentiality.DIRECTED)
    auth.login(people["solver"])
    assert ask(client, directed, "可以提问吗？").status_code == 404
    auth.logout()
    ops.invite_solver(directed, people["issuer"], people["other_solver"])
    db.session.commit()
    auth.login(people["other_solver"])
    assert ask(client, directed, "受邀后提问").status_code == 302
    assert [q.body for q in questions(directed)] == ["受邀后提问"]


def test_solver_may_ask_on_desensitized_without_a_grant(client, auth, make, people):
    secret = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                            confidentiality=Confidentiality.DESENSITIZED)
    auth.login(people["solver"])
    assert ask(client, secret, "公开摘要中的产线规模是多少？").status_code == 302


def test_deadline_passed_closes_asking_on_access(client, auth, people, board):
    board.deadline_at = board.deadline_at - timedelta(days=31)
    db.session.commit()
    auth.login(people["solver"])
    assert ask(client, board, "截止后还能问吗？").status_code == 403
    db.session.expire_all()
    assert board.state is ChallengeState.REVIEWING and questions(board) == []


# -- who may answer ---------------------------------------------------------------------------

ANSWER_TABLE = [
    ("visitor", 302), ("issuer", 302), ("colleague", 302), ("admin", 302),
    ("other_enterprise", 403), ("solver", 403), ("other_solver", 403), ("reviewer", 403),
]


@pytest.mark.parametrize("role,expected", ANSWER_TABLE, ids=[r for r, _ in ANSWER_TABLE])
def test_answer_role_table(client, auth, people, board, role, expected):
    question = ask_question(board, people["solver"], "测试标准用哪一版？")
    db.session.commit()
    if role != "visitor":
        auth.login(people[role])
    response = reply(client, question, "采用 GB 2626-2019。")
    assert response.status_code == expected
    db.session.expire_all()
    if expected == 302 and role != "visitor":
        assert response.headers["Location"].endswith(f"#question-{question.id}")
        assert question.answer == "采用 GB 2626-2019。"
        assert question.answered_by_id == people[role].id and question.answered_at is not None
    else:
        assert question.answer == ""
    if role == "visitor":
        assert "/auth/login" in response.headers["Location"]


def test_answer_to_missing_question_is_404(client, auth, people):
    auth.login(people["issuer"])
    assert client.post("/questions/999999/answer", data={"answer": "无"}).status_code == 404


def test_answer_on_directed_challenge_hidden_from_outsiders(client, auth, make, people):
    directed = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                              confidentiality=Confidentiality.DIRECTED)
    ops.invite_solver(directed, people["issuer"], people["solver"])
    question = ask_question(directed, people["solver"], "定向榜的问题")
    db.session.commit()
    auth.login(people["other_enterprise"])
    assert reply(client, question, "冒充回复").status_code == 404


@pytest.mark.parametrize("state", [ChallengeState.REVIEWING, ChallengeState.WITHDRAWN])
def test_closed_when_the_challenge_leaves_open(client, auth, people, board, state):
    answered = ask_question(board, people["solver"], "已回复的问题")
    answer_question(answered, people["issuer"], "已回复的答案")
    pending = ask_question(board, people["solver"], "未回复的问题")
    db.session.commit()
    if state is ChallengeState.REVIEWING:
        close(board)
    else:
        perform(board, "withdraw", people["issuer"], reason="需求变更")
        db.session.commit()

    auth.login(people["issuer"])
    assert reply(client, pending, "太晚了").status_code == 403
    assert reply(client, answered, "改答案").status_code == 403
    html = page(client, board)
    assert "已回复的答案" in html and "答疑已关闭" in html
    assert 'data-testid="answer-form"' not in html and NOTE not in html
    auth.logout()

    auth.login(people["admin"])
    assert reply(client, pending, "管理员也不行").status_code == 403
    auth.logout()

    auth.login(people["solver"])
    assert ask(client, board, "再问一个").status_code == (403 if state is ChallengeState.REVIEWING
                                                            else 404)
    if state is ChallengeState.REVIEWING:
        html = page(client, board)
        assert "已回复的答案" in html and 'data-testid="ask-form"' not in html
        assert "未回复" in html  # the asker still sees their own, marked unanswered
    db.session.expire_all()
    assert pending.answer == "" and answered.answer == "已回复的答案"
    assert len(questions(board)) == 2


# -- what each viewer sees --------------------------------------------------------------------

def test_asker_is_anonymous_to_everyone_but_the_bureau(client, auth, people, board, asker):
    question = ask_question(board, asker, "驻极电压是否有上限要求？")
    answer_question(question, people["issuer"], "不超过 30kV。")
    db.session.commit()
    hidden = (asker.name, asker.org_name, asker.email)

    html = page(client, board)  # visitor
    assert "驻极电压是否有上限要求？" in html and "不超过 30kV。" in html
    assert not any(h in html for h in hidden)
    for role in ("other_solver", "issuer", "colleague", "other_enterprise", "reviewer"):
        auth.login(people[role])
        html = page(client, board)
        assert "不超过 30kV。" in html, role
        assert not any(h in html for h in hidden), role
        auth.logout()

    auth.login(people["admin"])
    html = page(client, board)
    assert asker.name in html and asker.org_name in html and 'data-testid="asker"' in html


def test_notifications_do_not_name_the_asker(people, board, asker):
    ask_question(board, asker, "问题")
    db.session.commit()
    for note in notes_for(people["issuer"]):
        assert asker.name not in note.message and asker.org_name not in note.message


def test_unanswered_only_for_asker_issuer_and_admin(client, auth, people, board):
    ask_question(board, people["solver"], "尚未回复的提问内容")
    db.session.commit()
    assert "尚未回复的提问内容" not in page(client, board)  # visitor
    for role in ("other_solver", "other_enterprise", "reviewer"):
        auth.login(people[role])
        assert "尚未回复的提问内容" not in page(client, board), role
        auth.logout()

    auth.login(people["solver"])
    html = page(client, board)
    assert "尚未回复的提问内容" in html and "待回复" in html
    assert 'data-testid="answer-form"' not in html
    auth.logout()

    for role in ("issuer", "colleague", "admin"):
        auth.login(people[role])
        html = page(client, board)
        assert "尚未回复的提问内容" in html and 'data-testid="answer-form"' in html, role
        assert NOTE in html, role
        auth.logout()


def test_buttons_follow_the_permissions(client, auth, people, board):
    html = page(client, board)
    assert 'id="qa"' in html and "登录后提问" in html and 'data-testid="ask-form"' not in html
    auth.login(people["solver"])
    assert 'data-testid="ask-form"' in page(client, board)
    auth.logout()
    auth.login(people["reviewer"])
    html = page(client, board)
    assert 'data-testid="ask-form"' not in html and "仅揭榜方账号可以提问" in html


def test_question_text_is_escaped(client, auth, people, board):
    question = ask_question(board, people["solver"], "<script>alert(1)</script>")
    answer_question(question, people["issuer"], "<b>粗体</b>")
    db.session.commit()
    html = page(client, board)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>粗体</b>" not in html


def test_bureau_answer_is_labelled(client, auth, people, board):
    question = ask_question(board, people["solver"], "问科技局")
    answer_question(question, people["admin"], "科技局答复内容")
    db.session.commit()
    html = page(client, board)
    assert "科技局答复内容" in html and people["admin"].name not in html


# -- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize("body,message", [
    ("", "请填写问题内容"),
    ("   \r\n  ", "请填写问题内容"),
    ("问" * 1001, "问题不超过 1000 字"),
])
def test_question_validation_keeps_the_text(client, auth, people, board, body, message):
    auth.login(people["solver"])
    response = ask(client, board, body)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html and "is-invalid" in html
    if body.strip():
        assert body in html  # nothing typed is lost
    assert questions(board) == [] and events("ask") == []
    assert notes_for(people["issuer"]) == []


def test_question_at_the_limit_length_is_accepted(client, auth, people, board):
    auth.login(people["solver"])
    assert ask(client, board, "问" * 1000).status_code == 302
    # A browser posts a line break as CRLF but counts it as one character.
    assert ask(client, board, "问" * 500 + "\r\n" + "答" * 499).status_code == 302
    assert [len(q.body) for q in questions(board)] == [1000, 1000]


@pytest.mark.parametrize("text,message", [("", "请填写回复内容"), ("答" * 2001, "回复不超过 2000 字")])
def test_answer_validation_keeps_the_text(client, auth, people, board, text, message):
    question = ask_question(board, people["solver"], "第一个问题")
    other = ask_question(board, people["solver"], "第二个问题")
    db.session.commit()
    auth.login(people["issuer"])
    response = reply(client, question, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    if text:
        assert html.count(text) == 1  # in the failed form only, not in the other question's
    assert f'id="answer-{other.id}"' in html
    db.session.expire_all()
    assert question.answer == "" and events("answer") == []
    assert notes_for(people["solver"]) == []


def test_limit_of_unanswered_questions(client, auth, people, board):
    for n in range(MAX_UNANSWERED):
        ask_question(board, people["solver"], f"问题{n}")
    db.session.commit()
    auth.login(people["solver"])
    html = page(client, board)
    assert 'data-testid="ask-form"' not in html and "条提问尚未回复" in html
    response = ask(client, board, "第十一个问题")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已有 10 条提问尚未回复" in html and "第十一个问题" in html
    assert len(questions(board)) == MAX_UNANSWERED
    auth.logout()

    auth.login(people["other_solver"])  # the limit is per solver
    assert ask(client, board, "另一位的问题").status_code == 302
    auth.logout()

    answer_question(questions(board)[0], people["issuer"], "已答")
    db.session.commit()
    auth.login(people["solver"])
    assert ask(client, board, "第十一个问题").status_code == 302
    assert db.session.scalar(select(func.count(Question.id)).where(
        Question.asker_id == people["solver"].id)) == MAX_UNANSWERED + 1


# -- audit and notifications ------------------------------------------------------------------

def test_ask_audits_and_notifies_the_issuer(client, auth, people, board):
    auth.login(people["solver"])
    ask(client, board, "  测试风速是多少？  ")
    question = questions(board)[0]
    assert question.body == "测试风速是多少？"
    [event] = events("ask")
    assert event.actor_id == people["solver"].id and event.object_id == question.id
    assert event.changes == {"body": [None, "测试风速是多少？"]}
    for role in ("issuer", "colleague"):
        [note] = notes_for(people[role])
        assert note.link == f"/challenges/{board.id}#qa" and board.title in note.message
    assert notes_for(people["other_enterprise"]) == [] and notes_for(people["solver"]) == []


def test_answer_and_edit_audit_before_after_and_notify_the_asker(client, auth, people, board):
    question = ask_question(board, people["solver"], "测试风速是多少？")
    db.session.commit()
    auth.login(people["issuer"])
    html = client.post(f"/questions/{question.id}/answer", data={"answer": "32 L/min"},
                       follow_redirects=True).get_data(as_text=True)
    assert "回复已发布" in html and "32 L/min" in html
    [event] = events("answer")
    assert event.actor_id == people["issuer"].id and event.object_id == question.id
    assert event.changes == {"answer": [None, "32 L/min"]}
    [note] = notes_for(people["solver"])
    assert note.link == f"/challenges/{board.id}#qa" and "已获回复" in note.message

    assert "修改回复" in html
    reply(client, question, "32 L/min")  # unchanged: nothing written
    assert events("edit_answer") == []
    auth.logout()

    auth.login(people["admin"])
    reply(client, question, "85 L/min")
    [edit] = events("edit_answer")
    assert edit.actor_id == people["admin"].id
    assert edit.changes == {"answer": ["32 L/min", "85 L/min"]}
    db.session.expire_all()
    assert question.answer == "85 L/min" and len(notes_for(people["solver"])) == 2
    assert "85 L/min" in page(client, board) and "32 L/min" not in page(client, board)
