"""Pages: the bureau extends a 榜's deadline or publishes an addendum; the contract's parties ask
for changes, answer them, and everyone who sees the contract reads its versions."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import permissions as can
from ..models import Challenge, ChangeRequest, Contract
from ..states import ChangeRequestState, ContractState, Role
from ..timeutil import end_of_local_day
from ..views_common import attempt, get_or_404, require, role_required
from ..workflow import problems
from . import operations as ops
from .flows import OPEN_MILESTONES, current_budget, side_of
from .forms import AddendumForm, AnswerForm, ExtensionForm, budget_text, change_form

bp = Blueprint("changes", __name__)
ACTIONS = {"agree": _l("同意变更"), "decline": _l("不同意变更"), "approve": _l("批准变更"),
           "refuse": _l("不批准变更"), "withdraw": _l("撤回变更申请")}


@bp.app_template_global()
def addenda_of(challenge):
    """The 榜's extensions and addenda, oldest first (shown on its page with their dates)."""
    return ops.addenda_of(challenge)


# -- the bureau: extensions and addenda ------------------------------------------------------

@bp.route("/admin/challenges/<int:challenge_id>/addenda", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def addenda(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    extension, addendum = ExtensionForm(prefix="ext"), AddendumForm(prefix="add")
    if extension.deadline.name in _posted() and extension.validate_on_submit():
        with attempt(extension, field=extension.deadline) as done:
            made = ops.extend_deadline(challenge, current_user, end_of_local_day(extension.deadline.date),
                                       extension.note.data or "")
        if done:
            flash(_("已延长截止时间，并通知了 %(n)s 人。", n=made.notified), "success")
            return redirect(url_for("hall.detail", challenge_id=challenge.id))
    elif addendum.body.name in _posted() and addendum.validate_on_submit():
        with attempt(addendum, field=addendum.body) as done:
            made = ops.publish_addendum(challenge, current_user, addendum.body.data)
        if done:
            flash(_("已发布补充通知，并通知了 %(n)s 人。", n=made.notified), "success")
            return redirect(url_for("hall.detail", challenge_id=challenge.id))
    return render_template("changes/addenda.html", challenge=challenge, extension=extension,
                           addendum=addendum, title=_("延期与补充通知"))


def _posted():
    return request.form if request.method == "POST" else {}


# -- contract change requests ----------------------------------------------------------------

def _contract(contract_id: int) -> Contract:
    contract = get_or_404(Contract, contract_id)
    require(can.can_view_contract(current_user, contract))
    return contract


@bp.route("/contracts/<int:contract_id>/changes", methods=["GET", "POST"])
@login_required
def requests(contract_id: int):
    contract = _contract(contract_id)
    movable = [m for m in contract.milestones if m.state in OPEN_MILESTONES]
    party = side_of(current_user, contract) is not None and contract.state is ContractState.ACTIVE
    form = change_form(movable)()
    if not form.is_submitted():
        for m in movable:
            form[f"due_{m.id}"].data = m.due_on.isoformat()
        form.budget.data = budget_text(current_budget(contract))
    elif party and form.validate_on_submit():
        change = ops.ChangeInput(
            reason=form.reason.data,
            milestone_dates={m.id: form[f"due_{m.id}"].date for m in movable
                             if form[f"due_{m.id}"].date is not None},
            budget=getattr(form, "budget_lines", None))
        with attempt(form, field=form.reason) as done:
            cr = ops.request_change(contract, current_user, change)
        if done:
            flash(_("已提交变更申请，等待合同另一方确认。"), "success")
            return redirect(url_for("changes.show", contract_id=contract.id, cr_id=cr.id))
    return render_template("changes/requests.html", contract=contract, form=form, party=party,
                           movable=movable, items=ops.requests_of(contract),
                           title=_("合同变更：%(n)s", n=contract.number))


@bp.route("/contracts/<int:contract_id>/changes/<int:cr_id>", methods=["GET", "POST"])
@login_required
def show(contract_id: int, cr_id: int):
    contract = _contract(contract_id)
    cr = get_or_404(ChangeRequest, cr_id)
    require(cr.contract_id == contract.id)
    form = AnswerForm()
    actions = [a for a in ACTIONS if not problems(cr, a, current_user)]
    if form.validate_on_submit():
        action = request.form.get("action", "")
        if action in actions:
            with attempt(form, field=form.reason) as done:
                ops.answer(cr, current_user, action, form.reason.data or "")
            if done:
                flash(_("已办理：%(a)s。", a=ACTIONS[action]), "success")
                return redirect(url_for("changes.show", contract_id=contract.id, cr_id=cr.id))
            actions = [a for a in ACTIONS if not problems(cr, a, current_user)]
        else:
            flash(_("您没有权限办理这一步。"), "danger")
    by_id = {m.id: m for m in contract.milestones}
    blocked = (problems(cr, "approve", current_user)
               if current_user.role is Role.ADMIN and cr.state is ChangeRequestState.AGREED else [])
    return render_template("changes/show.html", contract=contract, cr=cr, form=form, blocked=blocked,
                           actions={a: ACTIONS[a] for a in actions}, milestones=by_id,
                           title=_("合同变更申请"))


@bp.route("/contracts/<int:contract_id>/versions")
@login_required
def versions(contract_id: int):
    contract = _contract(contract_id)
    return render_template("changes/versions.html", contract=contract, history=ops.history(contract),
                           title=_("合同版本：%(n)s", n=contract.number))
