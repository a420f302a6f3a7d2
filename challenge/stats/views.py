"""统计分析: the bureau's dashboard, the records behind every figure, the export, and the
public statistics page (aggregates only)."""


from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..caching import public_page
from ..exports.writers import CSV_MIME, XLSX_MIME
from ..extensions import db
from ..models import (
    Challenge,
    Contract,
    ContractMilestone,
    LedgerEntry,
    Organization,
    OutcomeReport,
    Proposal,
    Review,
    ReviewAssignment,
    User,
)
from ..states import ChallengeKind, OrgType, Role
from ..timeutil import local_today
from ..uploads import attachment_header
from ..views_common import role_required
from . import charts
from .export import UNITS, figure_lines, to_csv, to_xlsx
from .figures import Dashboard, dashboard, median_days, public_figures
from .filters import PRESETS, StatsFilter
from .records import BASIS, FIGURES, MONEY, drill, figure_for

bp = Blueprint("stats", __name__)

PRESET_LABELS = {"this_year": _l("本年度"), "last_half_year": _l("近半年"), "all": _l("全部"),
                 "custom": _l("自定义")}
STAGES = {"submitted": _l("征集"), "published": _l("发布"), "bid_challenges": _l("揭榜"),
          "contracted": _l("签约"), "accepted": _l("验收")}
LOADERS = {
    "challenge": (selectinload(Challenge.issuer),),
    "bid": (selectinload(Proposal.challenge), selectinload(Proposal.lead_org)),
    "contract": (selectinload(Contract.challenge), selectinload(Contract.solver_org)),
    "entry": (selectinload(LedgerEntry.contract).selectinload(Contract.challenge),),
    "milestone": (selectinload(ContractMilestone.contract).selectinload(Contract.challenge),
                  selectinload(ContractMilestone.contract).selectinload(Contract.solver_org)),
    "assignment": (selectinload(ReviewAssignment.challenge), selectinload(ReviewAssignment.reviewer)),
    "review": (selectinload(Review.proposal).selectinload(Proposal.challenge),
               selectinload(Review.proposal).selectinload(Proposal.lead_org),
               selectinload(Review.reviewer)),
    "outcome": (selectinload(OutcomeReport.contract).selectinload(Contract.challenge),
                selectinload(OutcomeReport.organization)),
}


def _choices() -> dict:
    """Fields and issuer regions offered in the filter (typed values are accepted too)."""
    fields = db.session.scalars(select(Challenge.field).distinct().order_by(Challenge.field)
                                .limit(300)).all()
    regions = db.session.scalars(select(Organization.region).distinct()
                                 .where(Organization.type == OrgType.ENTERPRISE, Organization.region != "")
                                 .order_by(Organization.region).limit(300)).all()
    return {"fields": fields, "regions": regions, "kinds": list(ChallengeKind),
            "presets": [(p, PRESET_LABELS[p]) for p in PRESETS]}


def _charts(board: Dashboard, args: dict, public: bool = False) -> dict:
    """The SVG charts; on the admin page every bar links to its records."""
    def href(key: str, **extra) -> str | None:
        if public:
            return None
        return url_for("stats.records", figure=key, **(args | extra))

    stages = []
    for key, value, rate in board.funnel:
        note = "" if rate is None else _("转化 %(p)s", p=f"{rate * 100:.1f}%")
        stages.append(charts.Row(str(STAGES[key]), [value], [href(key)], note))
    kinds = [charts.Row(g.label, [g.published, g.contracted],
                        [href("published", **g.args), href("contracted", **g.args)])
             for g in board.by_kind]
    series = [_("发布"), _("签约")]
    trend_rows = [charts.Row(b.label, [b.published, b.contracted],
                             [href("published", period="custom", start=b.start.isoformat(),
                                   end=b.end.isoformat()),
                              href("contracted", period="custom", start=b.start.isoformat(),
                                   end=b.end.isoformat())])
                  for b in board.trend]
    out = {
        "funnel": charts.funnel(stages, _("揭榜挂帅流程漏斗")),
        "by_kind": charts.hbars(kinds, series, _("按榜单类型")),
        "trend": charts.columns(trend_rows, series, _("发布与签约趋势")),
    }
    if board.by_field:
        out["by_field"] = charts.hbars(
            [charts.Row(g.label, [g.published, g.contracted],
                        [href("published", **g.args), href("contracted", **g.args)])
             for g in board.by_field], series, _("按领域"))
    return out


@bp.route("/admin/statistics", endpoint="dashboard")
@role_required(Role.ADMIN)
def dashboard_page():
    f, errors = StatsFilter.from_args(request.args)
    board = None if errors else dashboard(f)
    args = f.args()
    lines = figure_lines(board) if board else []
    return render_template("stats/dashboard.html", f=f, errors=errors, board=board, args=args,
                           by_key={line.key: line for line in lines if line.key}, basis=BASIS,
                           figures=FIGURES,
                           charts=_charts(board, args) if board else {}, units=UNITS,
                           today=local_today(), **_choices(), title=_("统计分析"))


@bp.route("/admin/statistics/records")
@role_required(Role.ADMIN)
def records():
    figure = figure_for(request.args.get("figure", ""))
    if figure is None:
        abort(404)
    f, errors = StatsFilter.from_args(request.args)
    label = str(figure.label)
    name, _sep, arg = figure.key.partition(":")
    if name in ("assignments", "reviews") and arg:
        reviewer = db.session.get(User, int(arg))
        if reviewer is None:
            abort(404)
        label = f"{label} · {reviewer.name}"
    context = {"figure": figure, "label": label, "f": f, "errors": errors, "basis": BASIS,
               "args": f.args(), "page": None, "total": None, "median": None, "money": MONEY,
               "amount_shown": False,
               "today": local_today(),
               "title": _("统计明细：%(label)s", label=label), **_choices()}
    if not errors:
        found = drill(figure, f)
        query = found.query.options(*LOADERS[figure.records])
        context["total"] = db.session.scalar(found.total) or 0
        counted = found.amount is None  # the figure is the number of records: count them once
        context["amount_shown"] = not counted
        context["page"] = page = db.paginate(query, per_page=current_app.config.get("PER_PAGE", 12) * 2,
                                             error_out=False, count=not counted)
        if counted:
            page.total = context["total"]
        if figure.unit == "days":
            context["median"] = median_days(f, figure.key)[0]
    return render_template("stats/records.html", **context)


@bp.route("/admin/statistics/export.<fmt>")
@role_required(Role.ADMIN)
def export(fmt: str):
    if fmt not in ("xlsx", "csv"):
        abort(404)
    f, errors = StatsFilter.from_args(request.args)
    if errors:
        return redirect(url_for("stats.dashboard", **request.args))
    board = dashboard(f)
    stamp = local_today().strftime("%Y%m%d")
    if fmt == "csv":
        body, mimetype = to_csv(board, f), CSV_MIME
    else:
        body, mimetype = to_xlsx(board, f), XLSX_MIME
    response = Response(body, mimetype=mimetype)
    title = _("统计分析")
    response.headers["Content-Disposition"] = attachment_header(
        f"{title}-{stamp}.{fmt}", f"statistics-{stamp}.{fmt}")
    return response


@bp.route("/statistics")
@public_page
def public():
    """Anyone: the figures a bureau publishes. Aggregates only: no 榜, no enterprise names."""
    args = {k: v for k, v in request.args.items() if k in ("period", "start", "end", "kind")}
    f, errors = StatsFilter.from_args(args)
    board = None if errors else public_figures(f)
    return render_template("stats/public.html", f=f, errors=errors, board=board,
                           charts=_charts(board, f.args(), public=True) if board else {},
                           figures=FIGURES, basis=BASIS, kinds=list(ChallengeKind),
                           presets=[(p, PRESET_LABELS[p]) for p in PRESETS],
                           title=_("统计公开"))
