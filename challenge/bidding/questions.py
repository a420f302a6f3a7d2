"""答疑: solvers ask on an open 榜, the issuer (or the bureau) answers for everyone to read.

The asker is shown to nobody but the bureau, not even to the issuer: answered questions are
public to every viewer of the 榜, and who is preparing a bid must stay private (fair competition).
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..errors import Refused
from ..extensions import db
from ..locking import lock_for_write
from ..models import Challenge, Notification, Question, User
from ..notices import challenge_link, issuer_user_ids
from ..timeutil import utcnow
from ..workflow import record

MAX_UNANSWERED = 10  # per solver per 榜, so one bidder cannot flood the issuer


def qa_link(challenge: Challenge) -> str:
    return f"{challenge_link(challenge)}#qa"


def unanswered_count(challenge: Challenge, asker: User) -> int:
    return db.session.scalar(select(func.count(Question.id)).where(
        Question.challenge_id == challenge.id, Question.asker_id == asker.id,
        Question.answer == "")) or 0


def ask_question(challenge: Challenge, asker: User, body: str) -> Question:
    """Record a question, audit it and tell the issuer's users; the caller commits."""
    lock_for_write(User, asker.id)  # the asker's cap: counted and raised by one request at a time
    if unanswered_count(challenge, asker) >= MAX_UNANSWERED:
        raise Refused(_("您在本榜已有 %(n)d 条提问尚未回复，请等发榜方回复后再提问。",
                              n=MAX_UNANSWERED))
    question = Question(challenge_id=challenge.id, asker_id=asker.id, body=body.strip(),
                        answer="")
    db.session.add(question)
    db.session.flush()
    record(question, "ask", asker, object_type="question",
           changes={"body": [None, question.body]})
    text = _l("「%(title)s」收到一条新的答疑提问，请及时回复。", title=challenge.title)
    for user_id in issuer_user_ids(challenge):
        db.session.add(Notification(user_id=user_id, message=text, link=qa_link(challenge)))
    db.session.flush()
    return question


def answer_question(question: Question, actor: User, answer: str) -> bool:
    """Answer, or edit the answer (audited before → after), and tell the asker.

    Returns False when the text is unchanged (nothing written); the caller commits.
    """
    answer = answer.strip()
    before = question.answer or ""
    if answer == before:
        return False
    question.answer = answer
    question.answered_by_id = actor.id
    question.answered_at = utcnow()
    record(question, "edit_answer" if before else "answer", actor, object_type="question",
           changes={"answer": [before or None, answer]})
    title = question.challenge.title
    text = (_l("您在「%(title)s」提出的问题，回复已更新。", title=title) if before
            else _l("您在「%(title)s」提出的问题已获回复。", title=title))
    if question.asker_id != actor.id:
        db.session.add(Notification(user_id=question.asker_id, message=text,
                                    link=qa_link(question.challenge)))
    db.session.flush()
    return True
