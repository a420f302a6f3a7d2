"""My workspace: the role's home page, notifications and my expert profile."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..awarding.views import overdue_count, overdue_list
from ..experts import operations as expert_ops
from ..experts.forms import WorkForm
from ..extensions import db
from ..matching_service import recommend_challenges
from ..models import (
    AccessGrant,
    Challenge,
    ChallengeInvitation,
    ExpertProfile,
    Notification,
    ReviewAssignment,
)
from ..states import AccessState, ChallengeState, Role
from ..timeutil import utcnow
from ..views_common import get_or_404, require, role_required
from .forms import ProfileForm

bp = Blueprint("account", __name__, url_prefix="/me")


@bp.route("/")
@login_required
def home():
    if current_user.role is Role.ADMIN:
        return redirect(url_for("admin.index"))
    if current_user.role is Role.BODY:
        return redirect(url_for("bodies.home"))
    if current_user.role is Role.ENTERPRISE:
        late = overdue_count(current_user)
        if late:
            flash(_("贵单位的榜有 %(n)d 个里程碑已逾期，请在「合同履约」中查看。", n=late), "warning")
        return redirect(url_for("posting.mine"))
    grants = db.session.scalars(
        select(AccessGrant).where(AccessGrant.user_id == current_user.id)
        .options(selectinload(AccessGrant.challenge)).order_by(AccessGrant.requested_at.desc())).all()
    invitations = db.session.scalars(
        select(ChallengeInvitation).where(ChallengeInvitation.user_id == current_user.id)
        .options(selectinload(ChallengeInvitation.challenge))).all()
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc()).limit(5)).all()
    open_count = db.session.scalar(select(db.func.count(Challenge.id)).where(
        Challenge.state == ChallengeState.OPEN))
    recommended = (recommend_challenges(current_user, k=5)
                   if current_user.role is Role.SOLVER else [])
    seats = db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.reviewer_id == current_user.id)
        .options(selectinload(ReviewAssignment.challenge))
        .order_by(ReviewAssignment.id.desc())).all()
    return render_template("account/home.html", grants=grants, invitations=invitations,
                           notifications=notifications, open_count=open_count,
                           recommended=recommended, seats=seats,
                           overdue_count=overdue_count(current_user),
                           overdue=overdue_list(current_user, limit=10),
                           AccessState=AccessState, title=_("我的工作台"))


@bp.route("/notifications")
@login_required
def notifications():
    page = db.paginate(select(Notification).where(Notification.user_id == current_user.id)
                       .order_by(Notification.id.desc()), per_page=30, error_out=False)
    return render_template("account/notifications.html", page=page, title=_("消息通知"))


@bp.route("/notifications/<int:notification_id>", methods=["POST"])
@login_required
def notification_open(notification_id: int):
    """Mark one message read and go to what it is about."""
    note = get_or_404(Notification, notification_id)
    require(note.user_id == current_user.id)
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return redirect(note.link if note.link.startswith("/") and not note.link.startswith("//")
                    else url_for("account.notifications"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read():
    db.session.execute(update(Notification).where(
        Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()))
    db.session.commit()
    flash(_("已全部标记为已读。"), "success")
    return redirect(url_for("account.notifications"))


@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.SOLVER, Role.REVIEWER)
def profile():
    profile = db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == current_user.id))
    form = ProfileForm(obj=profile)
    if profile is None and not form.is_submitted():
        form.name.data = current_user.name
    if form.validate_on_submit():
        profile = profile or expert_ops.start_own_profile(current_user)
        expert_ops.save_profile(current_user, profile, form.values(), form.works_values())
        db.session.commit()
        flash(_("专家档案已保存。"), "success")
        return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form,
                           blank_work=WorkForm(prefix="works-__index__-"), title=_("我的专家档案"))
