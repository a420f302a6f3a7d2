"""A panel's due date and the bureau's rating of its reviewers (routes of the reviewing
blueprint, loaded by create_app): one page per panel, /admin/panels/<id>/deadline."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import Refused
from ..extensions import db
from ..inputs import parse_id, parse_int
from ..models import Challenge, ReviewAssignment, User
from ..states import ChallengeState, PanelSeatState, Role
from ..timeutil import DayError, parse_day
from ..views_common import get_or_404, role_required
from . import deadlines, ratings
from .views import bp


def _page(challenge: Challenge, errors: dict | None = None, typed: dict | None = None,
          status: int = 200):
    seats = db.session.scalars(select(ReviewAssignment).where(
        ReviewAssignment.challenge_id == challenge.id,
        ReviewAssignment.state == PanelSeatState.ASSIGNED)
        .options(selectinload(ReviewAssignment.reviewer)).order_by(ReviewAssignment.id)).all()
    ids = [s.reviewer_id for s in seats]
    return render_template(
        "reviewing/deadline.html", challenge=challenge, seats=seats,
        owed=deadlines.owed_reviews([challenge.id]).get(challenge.id, {}),
        timeliness=deadlines.timeliness(challenge, ids), rated=ratings.ratings_of_panel(challenge),
        may_rate=ratings.may_rate(challenge), editable=challenge.state is ChallengeState.REVIEWING,
        errors=errors or {}, typed=typed or {},
        title=_("评审期限与评价：%(t)s", t=challenge.title)), status


@bp.route("/admin/panels/<int:challenge_id>/deadline")
@role_required(Role.ADMIN)
def deadline(challenge_id: int):
    return _page(get_or_404(Challenge, challenge_id))


@bp.route("/admin/panels/<int:challenge_id>/deadline", methods=["POST"])
@role_required(Role.ADMIN)
def set_deadline(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    typed = request.form.get("due_on", "")
    try:
        try:
            due = parse_day(typed) if typed.strip() else None
        except DayError as exc:
            raise Refused(str(exc), "due_on") from None
        deadlines.set_due_date(challenge, due, current_user)
    except Refused as exc:
        db.session.rollback()
        return _page(challenge, {"due_on": exc.message}, {"due_on": typed}, 422)
    db.session.commit()
    flash(_("评审截止日期已设为 %(d)s。", d=challenge.review_due_on.isoformat()), "success")
    return redirect(url_for("reviewing.deadline", challenge_id=challenge.id))


@bp.route("/admin/panels/<int:challenge_id>/ratings", methods=["POST"])
@role_required(Role.ADMIN)
def rate(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    reviewer = db.session.get(User, parse_id(request.form.get("reviewer")) or 0)
    typed = {key: request.form.get(key, "") for key in ("timeliness", "quality", "note")}
    try:
        if reviewer is None:
            raise Refused(_("评审专家不存在。"))
        ratings.rate(challenge, reviewer, current_user, ratings.RatingInput(
            parse_int(typed["timeliness"], 1, 5), parse_int(typed["quality"], 1, 5), typed["note"]))
    except Refused as exc:
        db.session.rollback()
        if reviewer is None or exc.field is None:  # not about a box of the form: the page's
            flash(exc.message, "danger")
            return _page(challenge, status=422)
        return _page(challenge, {(reviewer.id, exc.field): exc.message}, {reviewer.id: typed}, 422)
    db.session.commit()
    flash(_("已保存对 %(n)s 的评价。", n=reviewer.name), "success")
    return redirect(url_for("reviewing.deadline", challenge_id=challenge.id))


@bp.app_template_global("reviewer_ratings")
def reviewer_ratings(user_id: int):
    """An expert's ratings for the expert's record (templates/reviewing/_ratings.html)."""
    return ratings.ratings_of(user_id)
