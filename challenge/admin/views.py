"""Bureau staff: the dashboard and accounts (screening and publishing are 发榜's, in posting/)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..awarding.views import overdue_count, overdue_list
from ..extensions import db
from ..models import Challenge, User
from ..reviewing.todo import todo_lists
from ..security import local_referrer
from ..states import Role
from ..views_common import attempt, get_or_404, role_required
from . import operations as ops
from .forms import UserCreateForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    counts = dict(db.session.execute(
        select(Challenge.state, func.count()).group_by(Challenge.state)).all())
    return render_template("admin/index.html", counts=counts, overdue_count=overdue_count(),
                           overdue=overdue_list(limit=10), todo=todo_lists(), title=_("管理工作台"))


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
        with attempt(field=form.org_type) as done:
            user = ops.create_user(current_user, form)
        if done:
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
