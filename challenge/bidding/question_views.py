"""答疑 pages: the section of a 榜 page (questions_for) and the ask / answer posts; the rules and
the writes are challenge.bidding.questions."""

from dataclasses import dataclass, field

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from .. import permissions as can
from ..caching import per_generation
from ..extensions import db
from ..hall import views as hall
from ..models import Challenge, Question, User
from ..states import ChallengeState, Role
from ..views_common import attempt, get_or_404, require
from .forms import QUESTION_MAX, QuestionAnswerForm, QuestionAskForm
from .questions import MAX_UNANSWERED, answer_question, ask_question
from .views import bp


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
    # The ask form that failed on this request's POST (typed text, errors), if any; the blank one
    # is built only when the page renders it (`ask_form`): it is kept (kept_form) and mostly
    # comes from the cache, so most views need no form object at all.
    failed_ask: QuestionAskForm | None = None
    answer_forms: dict[int, QuestionAnswerForm] = field(default_factory=dict)
    _blank_ask: QuestionAskForm | None = None

    @property
    def ask_form(self) -> QuestionAskForm | None:
        if not self.can_ask:
            return None
        if self.failed_ask is not None:
            return self.failed_ask
        if self._blank_ask is None:
            self._blank_ask = QuestionAskForm(formdata=None)
        return self._blank_ask


# Built once: every signed-in 榜 page runs one, and building it cost more than running it.
_QUESTIONS = (select(Question).where(Question.challenge_id == bindparam("challenge"))
              .order_by(Question.asked_at, Question.id))
_QUESTIONS_WITH_ASKERS = _QUESTIONS.options(
    selectinload(Question.asker).selectinload(User.organization))


_COUNT = select(func.count(Question.id)).where(Question.challenge_id == bindparam("challenge"))


def question_count(challenge: Challenge) -> int:
    """How many questions the 榜 has, kept per generation: most 榜 have none, and then the page
    needs no query for them. A question is asked and answered only with an audit event in the
    same commit (questions.py: record), which starts a new generation (caching.py)."""
    return per_generation(f"qa-count:{challenge.id}",
                          lambda: db.session.scalar(_COUNT, {"challenge": challenge.id}) or 0)


@bp.app_template_global()
def questions_for(challenge: Challenge) -> QuestionBoard:
    """The 答疑 section of a 榜 page for the current user (templates/hall/_questions.html)."""
    user = current_user._get_current_object()  # asked ~20 times below: not through the proxy
    if not can.can_view_challenge(user, challenge):
        return QuestionBoard()
    staff = can.is_admin(user) or can.is_issuer(user, challenge)
    query = _QUESTIONS_WITH_ASKERS if can.is_admin(user) else _QUESTIONS
    rows = (db.session.scalars(query, {"challenge": challenge.id}).all()
            if question_count(challenge) else [])
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
        board.failed_ask = g.get("question_ask_form")
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
        with attempt(field=form.body) as done:
            ask_question(challenge, current_user, form.body.data)
        if done:
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
