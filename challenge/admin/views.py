"""Bureau staff: screening queue, publishing, and accounts."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..award.views import overdue_count, overdue_list
from ..errors import Refused
from ..extensions import db
from ..models import AuditEvent, Challenge, User
from ..posting.forms import ReasonForm
from ..security import local_referrer
from ..states import ChallengeState, Role
from ..timeutil import end_of_local_day, local_date
from ..views_common import apply_transition, get_or_404, require, role_required
from ..workflow import allowed
from . import operations as ops
from .forms import PublishForm, UserCreateForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    counts = dict(db.session.execute(
        select(Challenge.state, func.count()).group_by(Challenge.state)).all())
    return render_template("admin/index.html", counts=counts, overdue_count=overdue_count(),
                           overdue=overdue_list(limit=10), title=_("管理工作台"))


@bp.route("/challenges")
@role_required(Role.ADMIN)
def challenges():
    state = request.args.get("state", "screening")
    query = select(Challenge).options(selectinload(Challenge.issuer))
    if state != "all":
        if state not in {s.value for s in ChallengeState}:
            state = "screening"
        query = query.where(Challenge.state == ChallengeState(state))
    order = Challenge.submitted_at.asc() if state == "screening" else Challenge.updated_at.desc()
    page = db.paginate(query.order_by(order, Challenge.id), per_page=20, error_out=False)
    counts = dict(db.session.execute(
        select(Challenge.state, func.count()).group_by(Challenge.state)).all())
    return render_template("admin/challenges.html", page=page, state=state, counts=counts,
                           title=_("榜单管理"))


@bp.route("/challenges/<int:challenge_id>")
@role_required(Role.ADMIN)
def challenge(challenge_id: int):
    c = get_or_404(Challenge, challenge_id)
    publish_form = PublishForm()
    if c.deadline_at and not publish_form.deadline.data:
        publish_form.deadline.data = local_date(c.deadline_at).isoformat()
    return _review_page(c, publish_form, ReasonForm(prefix="ret"))


def _review_page(c: Challenge, publish_form: PublishForm, return_form: ReasonForm, status=200):
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "challenge", AuditEvent.object_id == c.id)
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id)).all()
    return render_template("admin/challenge.html", challenge=c, publish_form=publish_form,
                           return_form=return_form, events=events,
                           title=_("审核：%(t)s", t=c.title)), status


@bp.route("/challenges/<int:challenge_id>/publish", methods=["POST"])
@role_required(Role.ADMIN)
def publish(challenge_id: int):
    c = get_or_404(Challenge, challenge_id)
    action = "republish" if c.state is ChallengeState.UNCLAIMED else "publish"
    require(allowed(c, action, current_user))
    form = PublishForm()
    if form.validate_on_submit() and apply_transition(
            c, action, _("已发布，揭榜截止 %(d)s。", d=form.deadline.date.isoformat()),
            reason=form.note.data or "", field=form.deadline,
            deadline_at=end_of_local_day(form.deadline.date)):
        return redirect(url_for("admin.challenges"))
    return _review_page(c, form, ReasonForm(prefix="ret"))


@bp.route("/challenges/<int:challenge_id>/return", methods=["POST"])
@role_required(Role.ADMIN)
def return_(challenge_id: int):
    c = get_or_404(Challenge, challenge_id)
    require(allowed(c, "return", current_user))
    form = ReasonForm(prefix="ret")
    if form.validate_on_submit() and apply_transition(
            c, "return", _("已退回企业修改。"), reason=form.reason.data, field=form.reason):
        return redirect(url_for("admin.challenges"))
    return _review_page(c, PublishForm(), form)


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    role = request.args.get("role", "")
    query = select(User).options(selectinload(User.organization)).order_by(User.id)
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    page = db.paginate(query, per_page=30, error_out=False)
    return render_template("admin/users.html", page=page, role=role, title=_("账号管理"))


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_new():
    form = UserCreateForm()
    if request.method == "GET":
        form.role.data = request.args.get("role", Role.REVIEWER.value)
    if form.validate_on_submit():
        try:
            user = ops.create_user(current_user, form)
        except Refused as exc:
            form.org_type.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("已创建账号 %(email)s。", email=user.email), "success")
            return redirect(url_for("admin.users", role=user.role.value))
    return render_template("admin/user_new.html", form=form, title=_("新建账号"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def user_active(user_id: int):
    user = get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("不能停用自己的账号。"), "danger")
    else:
        ops.set_active(current_user, user, request.form.get("active") == "1")
        db.session.commit()
        flash(_("已启用 %(n)s。", n=user.name) if user.active else _("已停用 %(n)s。", n=user.name),
              "success")
    return redirect(local_referrer(url_for("admin.users")))
