"""答疑: solvers ask on an open 榜, the issuer (or the bureau) answers for everyone to read.

The asker is shown to nobody but the bureau, not even to the issuer: answered questions are
public to every viewer of the 榜, and who is preparing a bid must stay private (fair competition).
"""

from dataclasses import dataclass, field

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import permissions as can
from ..extensions import db
from ..hall import views as hall
from ..locking import lock_for_write
from ..models import Challenge, Notification, Question, User
from ..states import ChallengeState, Role
from ..timeutil import utcnow
from ..views_common import get_or_404, require
from ..workflow import challenge_link, issuer_user_ids, record
from .forms import QUESTION_MAX, QuestionAnswerForm, QuestionAskForm
from .views import bp

MAX_UNANSWERED = 10  # per solver per 榜, so one bidder cannot flood the issuer


class QuestionError(Exception):
    """A refused question; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
        raise QuestionError(_("您在本榜已有 %(n)d 条提问尚未回复，请等发榜方回复后再提问。",
                              n=MAX_UNANSWERED))
    question = Question(challenge_id=challenge.id, asker_id=asker.id, body=body.strip(),
                        answer="")
    db.session.add(question)
    db.session.flush()
    record(question, "ask", asker, object_type="question",
           changes={"body": [None, question.body]})
    text = _("「%(title)s」收到一条新的答疑提问，请及时回复。", title=challenge.title)
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
    text = (_("您在「%(title)s」提出的问题，回复已更新。", title=title) if before
            else _("您在「%(title)s」提出的问题已获回复。", title=title))
    if question.asker_id != actor.id:
        db.session.add(Notification(user_id=question.asker_id, message=text,
                                    link=qa_link(question.challenge)))
    db.session.flush()
    return True


@dataclass
class QuestionBoard:
    """What the current user may see and do in a 榜's 答疑 section."""

    shown: bool = False
    open: bool = False
    answered: list[Question] = field(default_factory=list)
    pending: list[Question] = field(default_factory=list)  # unanswered, shown to this user
    mine: set[int] = field(default_factory=set)
    by_bureau: set[int] = field(default_factory=set)  # answered by an admin, not the issuer
    show_asker: bool = False
    can_ask: bool = False
    limit: int = MAX_UNANSWERED
    question_max: int = QUESTION_MAX
    remaining: int = 0
    ask_form: QuestionAskForm | None = None
    answer_forms: dict[int, QuestionAnswerForm] = field(default_factory=dict)


@bp.app_template_global()
def questions_for(challenge: Challenge) -> QuestionBoard:
    """The 答疑 section of a 榜 page for the current user (templates/hall/_questions.html)."""
    user = current_user
    if not can.can_view_challenge(user, challenge):
        return QuestionBoard()
    staff = can.is_admin(user) or can.is_issuer(user, challenge)
    query = (select(Question).where(Question.challenge_id == challenge.id)
             .order_by(Question.asked_at, Question.id))
    if can.is_admin(user):
        query = query.options(selectinload(Question.asker).selectinload(User.organization))
    rows = db.session.scalars(query).all()
    my_id = user.id if can.signed_in(user) else None
    board = QuestionBoard(
        open=challenge.state is ChallengeState.OPEN,
        answered=[q for q in rows if q.answer],
        pending=[q for q in rows if not q.answer and (staff or q.asker_id == my_id)],
        mine={q.id for q in rows if q.asker_id == my_id},
        show_asker=can.is_admin(user),
        can_ask=can.can_ask_question(user, challenge),
    )
    board.shown = board.open or bool(board.answered or board.pending)
    answerers = {q.answered_by_id for q in board.answered}
    if answerers:
        admins = set(db.session.scalars(select(User.id).where(User.id.in_(answerers),
                                                              User.role == Role.ADMIN)))
        board.by_bureau = {q.id for q in board.answered if q.answered_by_id in admins}
    if board.can_ask:
        board.remaining = max(0, MAX_UNANSWERED - sum(1 for q in board.pending))
        failed_ask = g.get("question_ask_form")
        board.ask_form = QuestionAskForm(formdata=None) if failed_ask is None else failed_ask
    failed_id, failed_form = g.get("question_answer_form", (None, None))
    for q in (*board.pending, *board.answered):
        if can.can_answer_question(user, q):
            # formdata=None: on a re-rendered POST, only the failed form shows what was typed.
            board.answer_forms[q.id] = (failed_form if q.id == failed_id
                                        else QuestionAnswerForm(formdata=None, answer=q.answer))
    return board


@bp.route("/challenges/<int:challenge_id>/questions", methods=["POST"])
@login_required
def ask(challenge_id: int):
    challenge = hall.visible_challenge_or_404(challenge_id)
    require(can.can_ask_question(current_user, challenge))
    form = QuestionAskForm()
    if form.validate_on_submit():
        try:
            ask_question(challenge, current_user, form.body.data)
        except QuestionError as exc:
            form.body.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("问题已提交，发榜方回复后将通知您。提问人身份不会公开。"), "success")
            return redirect(url_for("hall.detail", challenge_id=challenge.id, _anchor="qa"))
    # Re-render the 榜 page with the typed text and the message next to the field.
    g.question_ask_form = form
    return hall.detail(challenge.id)


@bp.route("/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(question_id: int):
    question = get_or_404(Question, question_id)
    challenge = hall.visible_challenge_or_404(question.challenge_id)
    require(can.can_answer_question(current_user, question))
    form = QuestionAnswerForm()
    if form.validate_on_submit():
        first = not question.answer
        if answer_question(question, current_user, form.answer.data):
            db.session.commit()
            flash(_("回复已发布。") if first else _("回复已修改。"), "success")
        else:
            flash(_("回复内容没有变化。"), "info")
        return redirect(url_for("hall.detail", challenge_id=challenge.id,
                                _anchor=f"question-{question.id}"))
    g.question_answer_form = (question.id, form)
    return hall.detail(challenge.id)
