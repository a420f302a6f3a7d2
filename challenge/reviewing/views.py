"""评榜 panels: the bureau assigns reviewers (many 榜 at once, or one by one); a reviewer may
declare a conflict (回避) before scoring. The decision and results pages are in results_views.py
(loaded by create_app)."""

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import permissions as can
from ..errors import Refused
from ..extensions import db
from ..inputs import parse_id, parse_ids, parse_int
from ..models import Challenge, PanelDraw, Proposal, Review, ReviewAssignment, User
from ..posting.forms import ReasonForm
from ..states import ChallengeState, PanelSeatState, ReviewState, Role
from ..views_common import apply_transition, attempt, get_or_404, require, role_required
from . import blind, draw, scoring
from . import operations as ops
from .rubric import rubric_for

bp = Blueprint("reviewing", __name__)
PANELS_PER_PAGE = 50  # 榜 per page of the assignment list (one batch proposal per selection)


@bp.app_template_global()
def veil_title(proposal: Proposal) -> str:
    """A bid's title as the signed-in user may read it (masked for a reviewer reading blind)."""
    return blind.veil_for(current_user, proposal)(proposal.title)


@bp.route("/admin/panels")
@role_required(Role.ADMIN)
def panels():
    """榜 under review, a page at a time (a batch proposal covers the page's selection), with
    the seats taken on each counted in one grouped query."""
    page = db.paginate(select(Challenge).where(Challenge.state == ChallengeState.REVIEWING)
                       .options(selectinload(Challenge.issuer))
                       .order_by(Challenge.deadline_at, Challenge.id),
                       per_page=PANELS_PER_PAGE, error_out=False)
    ids = [c.id for c in page.items]
    seated = dict.fromkeys(ids, 0) | dict(db.session.execute(
        select(ReviewAssignment.challenge_id, func.count())
        .where(ReviewAssignment.challenge_id.in_(ids),
               ReviewAssignment.state == PanelSeatState.ASSIGNED)
        .group_by(ReviewAssignment.challenge_id)).all())
    return render_template("reviewing/panels.html", challenges=page.items, page=page,
                           seated=seated, title=_("评审专家分配"))


def _selected_challenges() -> list[Challenge]:
    ids = parse_ids(request.form.getlist("challenge"))
    return list(db.session.scalars(select(Challenge).where(
        Challenge.id.in_(ids), Challenge.state == ChallengeState.REVIEWING)
        .order_by(Challenge.deadline_at)))


@bp.route("/admin/panels/propose", methods=["POST"])
@role_required(Role.ADMIN)
def propose():
    challenges = _selected_challenges()
    if not challenges:
        flash(_("请至少选择一个评审中的榜。"), "warning")
        return redirect(url_for("reviewing.panels"))
    plans, result = ops.propose_panels(challenges)
    return render_template("reviewing/proposal.html", plans=plans, result=result, errors=[],
                           title=_("分配方案"))


@bp.route("/admin/panels/confirm", methods=["POST"])
@role_required(Role.ADMIN)
def confirm_panel():
    """Seat what the admin confirmed (after any edits); all or nothing."""
    challenges = _selected_challenges()
    ops.lock_panels([c.id for c in challenges], [  # before any seat's checks, in one order
        int(v) for c in challenges for v in request.form.getlist(f"seat-{c.id}") if v.isdecimal()])
    errors, seated = [], 0
    for challenge in challenges:
        picked = [i for i in map(parse_id, request.form.getlist(f"seat-{challenge.id}")) if i]
        if len(set(picked)) != len(picked):
            errors.append(_("「%(t)s」中同一位专家被选了多次。", t=challenge.title))
            continue
        for reviewer_id in picked:
            reviewer = db.session.get(User, reviewer_id)
            try:
                if reviewer is None:
                    raise Refused(_("评审专家不存在。"))
                ops.seat_reviewer(challenge, reviewer, current_user)
                seated += 1
            except Refused as exc:
                errors.append(str(exc))
    if errors:
        db.session.rollback()
        if ops.record_refused_checks():  # who could not sit, and why, stays on the audit trail
            db.session.commit()
        plans, result = ops.propose_panels(challenges)
        for plan in plans:  # show the admin's own picks again, not the solver's
            plan.proposed = parse_ids(request.form.getlist(f"seat-{plan.challenge.id}"))
        return render_template("reviewing/proposal.html", plans=plans, result=result,
                               errors=errors, title=_("分配方案"))
    db.session.commit()
    flash(_("已分配 %(n)d 个评审席位，并已通知评审专家。", n=seated), "success")
    return redirect(url_for("reviewing.panels"))


@bp.route("/admin/panels/<int:challenge_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def panel(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    if request.method == "POST":
        with attempt() as done:
            if "size" in request.form:
                ops.set_panel_size(challenge, parse_int(request.form.get("size"), 0, 999) or 0,
                                   current_user)
                done_message = _("评审人数已设为 %(n)d。", n=challenge.reviewers_required)
            elif "blind" in request.form:
                blind.set_blind(challenge, "on" in request.form.getlist("blind"), current_user)
                done_message = (_("已设为盲评：评审专家在全部评分提交前看不到揭榜单位和团队成员。")
                                if challenge.blind_review else _("已取消盲评。"))
            else:
                reviewer = db.session.get(User, parse_id(request.form.get("reviewer")) or 0)
                if reviewer is None:
                    raise Refused(_("请选择评审专家。"))
                ops.seat_reviewer(challenge, reviewer, current_user)
                done_message = _("已将 %(n)s 加入评审组。", n=reviewer.name)
        if done:
            flash(done_message, "success")
            return redirect(url_for("reviewing.panel", challenge_id=challenge.id))
        if ops.record_refused_checks():  # who could not sit, and why, stays on the audit trail
            db.session.commit()
    return _panel_page(challenge)


def _panel_page(challenge: Challenge, **draw_form):
    seats = db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.challenge_id == challenge.id)
        .options(selectinload(ReviewAssignment.reviewer)).order_by(ReviewAssignment.id)).all()
    candidates = ops.candidates_for(challenge) if challenge.state is ChallengeState.REVIEWING else []
    taken = {s.reviewer_id for s in seats}
    return render_template("reviewing/panel.html", challenge=challenge, seats=seats,
                           candidates=[c for c in candidates if c.reviewer.id not in taken],
                           pledges=blind.pledges_of(challenge),
                           blind_problems=blind.blind_problems(challenge),
                           open_seats=max(0, challenge.reviewers_required - sum(
                               s.state is PanelSeatState.ASSIGNED for s in seats)),
                           draws=[draw.replay(d) for d in draw.draws_of(challenge)],
                           **{"pool_size": current_app.config["DRAW_POOL_SIZE"],
                              "draw_error": None, **draw_form},
                           title=_("评审组：%(t)s", t=challenge.title))


@bp.route("/admin/panels/<int:challenge_id>/draw", methods=["POST"])
@role_required(Role.ADMIN)
def draw_panel(challenge_id: int):
    """Fill the open seats by a recorded random draw (reviewing/draw.py)."""
    challenge = get_or_404(Challenge, challenge_id)
    typed = request.form.get("pool_size", "")
    with attempt(show=False) as done:
        size = parse_int(typed, 1, ops.CANDIDATES_PER_CHALLENGE)
        if size is None:
            raise Refused(_("请输入 1 到 %(n)d 的整数。", n=ops.CANDIDATES_PER_CHALLENGE),
                          field="pool_size")
        made = draw.draw_panel(challenge, size, current_user)
        message = _("已随机抽取 %(n)d 位评审专家（抽取记录 #%(id)d），并已通知。", n=len(made.drawn),
                    id=made.id)
    if done:
        flash(message, "success")
        return redirect(url_for("reviewing.panel", challenge_id=challenge.id, _anchor="draws"))
    if ops.record_refused_checks():  # a seat the draw could not make: its check stays on record
        db.session.commit()
    return _panel_page(challenge, pool_size=typed, draw_error=str(done.refusal)), 422


@bp.route("/admin/panels/draws/<int:draw_id>.json")
@role_required(Role.ADMIN)
def draw_record(draw_id: int):
    """One draw's record as JSON, for replaying it offline (tools/replay_draw.py)."""
    return jsonify(draw.as_document(get_or_404(PanelDraw, draw_id)))


@bp.route("/reviews/seats/<int:seat_id>/decline", methods=["GET", "POST"])
@role_required(Role.REVIEWER, Role.ADMIN)
def decline(seat_id: int):
    seat = get_or_404(ReviewAssignment, seat_id)
    require(can.can_decline_seat(current_user, seat))
    form = ReasonForm()
    if form.validate_on_submit() and apply_transition(
            seat, "decline", _("已声明回避，科技局将另行安排评审专家。"), reason=form.reason.data,
            field=form.reason):
        return redirect(url_for("account.home"))
    return render_template("reviewing/decline.html", form=form, seat=seat, title=_("声明回避"))


@bp.route("/reviews")
@role_required(Role.REVIEWER)
def my_reviews():
    """The reviewer's panels under review and, per qualified bid, where their review stands;
    panels already decided follow as a paged list (a busy expert sits on hundreds over time)."""
    seated = (select(ReviewAssignment.challenge_id)
              .where(ReviewAssignment.reviewer_id == current_user.id,
                     ReviewAssignment.state == PanelSeatState.ASSIGNED))
    current = db.session.scalars(select(Challenge).where(
        Challenge.id.in_(seated), Challenge.state == ChallengeState.REVIEWING)
        .order_by(Challenge.deadline_at, Challenge.id)).all()
    found = scoring.panels_for_reviewer(current_user, current)
    mine: dict[int, dict[int, Review]] = {c.id: {} for c in current}
    for review in db.session.scalars(select(Review).where(
            Review.reviewer_id == current_user.id, Review.challenge_id.in_(list(mine)))):
        mine[review.challenge_id][review.proposal_id] = review
    panels = [(c, [(b, mine[c.id].get(b.id)) for b in found[c.id][0]], found[c.id][1]) for c in current]
    unsigned = {c.id for c in current if blind.needs_pledge(current_user, c)}
    hidden = {c.id for c in current if blind.identities_hidden(current_user, c)}
    past = db.paginate(select(Challenge).where(Challenge.id.in_(seated),
                                               Challenge.state != ChallengeState.REVIEWING)
                       .order_by(Challenge.id.desc()), error_out=False)
    visible = scoring.panels_for_reviewer(current_user, list(past.items))
    past_rows = [(c, visible[c.id][1]) for c in past.items]
    return render_template("reviewing/my_reviews.html", panels=panels, past=past,
                           past_rows=past_rows, unsigned=unsigned, hidden=hidden,
                           title=_("我的评审"))


@bp.route("/reviews/panels/<int:challenge_id>/pledge", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def pledge(challenge_id: int):
    """评审承诺书: the seated reviewer signs before any bid or a confidential body opens."""
    challenge = get_or_404(Challenge, challenge_id)
    seat = blind.live_seat(current_user, challenge)
    require(seat is not None)
    signed = blind.pledge_of(seat)
    error = ""
    if request.method == "POST" and signed is None:
        if request.form.get("agree") != "yes":
            error = _("请勾选同意评审承诺书。")
        else:
            with attempt() as done:
                blind.sign_pledge(seat, current_user, request.remote_addr or "")
            if done:
                flash(_("已签署评审承诺书，可以查阅方案并评分。"), "success")
                target = parse_id(request.form.get("next"))
                proposal = db.session.get(Proposal, target) if target else None
                return redirect(url_for("reviewing.score", proposal_id=proposal.id)
                                if proposal is not None and proposal.challenge_id == challenge.id
                                else url_for("reviewing.my_reviews"))
    return render_template("reviewing/pledge.html", challenge=challenge, seat=seat, signed=signed,
                           points=blind.PLEDGE_POINTS, error=error,
                           next=request.values.get("next", ""),
                           editable=signed is None and blind.needs_pledge(current_user, challenge),
                           title=_("评审承诺书：%(t)s", t=challenge.title))


def _read_scores(rubric: list[dict]) -> tuple[dict, dict]:
    """Points per criterion from the form, with a message per bad box; typed values kept."""
    scores, errors = {}, {}
    for criterion in rubric:
        raw = request.form.get(f"score-{criterion['key']}", "").strip()
        if not raw:
            continue
        points = parse_int(raw, 0, criterion["max"])
        if points is None:
            errors[criterion["key"]] = _("请输入 0 到 %(m)d 的整数。", m=criterion["max"])
            continue
        scores[criterion["key"]] = points
    return scores, errors


@bp.route("/reviews/proposals/<int:proposal_id>", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def score(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    if blind.needs_pledge(current_user, proposal.challenge):
        return redirect(url_for("reviewing.pledge", challenge_id=proposal.challenge_id,
                                next=proposal.id))
    review = scoring.review_of(current_user, proposal)
    require(scoring.may_score(current_user, proposal) or review is not None)
    rubric = rubric_for(proposal.challenge)
    errors, problems = {}, []
    if request.method == "GET" and review is None:  # score anomalies: when the writing began
        scoring.note_opening(current_user, proposal)
        db.session.commit()
    if request.method == "POST":
        scores, errors = _read_scores(rubric)
        comment = request.form.get("comment", "").strip()[:5000]
        if not errors:
            try:
                review = scoring.save_review(current_user, proposal, scores, comment)
                if "submit" in request.form:
                    problems = scoring.review_problems(review)
                    if not problems:
                        scoring.submit_review(current_user, review)
                if not problems:
                    db.session.commit()
                    flash(_("评分已提交。") if "submit" in request.form else _("评分草稿已保存。"),
                          "success")
                    return redirect(url_for("reviewing.my_reviews") if "submit" in request.form
                                    else url_for("reviewing.score", proposal_id=proposal.id))
                db.session.commit()  # the draft is kept; the problems are shown
            except (Refused, StaleDataError) as exc:
                db.session.rollback()
                flash(getattr(exc, "message", None) or str(exc) or _("评分已提交。"), "warning")
                return redirect(url_for("reviewing.my_reviews"))
    hidden = blind.identities_hidden(current_user, proposal.challenge)
    return render_template("reviewing/score.html", proposal=proposal, review=review,
                           rubric=rubric, errors=errors, problems=problems, hidden=hidden,
                           veil=blind.veil_for(current_user, proposal),
                           masked=hidden and bool(blind.mentions(proposal)),
                           editable=scoring.may_score(current_user, proposal) and (
                               review is None or review.state is ReviewState.DRAFT),
                           title=_("评分：%(t)s", t=blind.veil_for(current_user, proposal)(
                               proposal.title)))


@bp.route("/panels/<int:challenge_id>/scores")
@login_required
def panel_scores(challenge_id: int):
    """The panel's scores: the bureau always; seated reviewers once every review is in."""
    challenge = get_or_404(Challenge, challenge_id)
    require(scoring.can_see_panel_scores(current_user, challenge))
    return render_template("reviewing/panel_scores.html", challenge=challenge,
                           rows=scoring.results(challenge), rubric=rubric_for(challenge),
                           complete=scoring.panel_complete(challenge),
                           named=current_user.role is Role.ADMIN,
                           title=_("评审结果：%(t)s", t=challenge.title))
