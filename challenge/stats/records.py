"""The figures of the dashboard by key — label, unit, which date the period applies to — and
the records behind each one (the drill-down list, whose total must equal the figure)."""

from dataclasses import dataclass, replace
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..awarding.rules import overdue_conditions
from ..exports.writers import COUNT, DAYS, MONEY  # a figure's unit is its cell's kind
from ..inputs import parse_id, parse_int
from ..models import (
    Challenge,
    Contract,
    ContractMilestone,
    LedgerEntry,
    OutcomeReport,
    Proposal,
    Review,
    ReviewAssignment,
)
from ..money import FEN_PER_WAN
from ..states import (
    PAID_KINDS,
    ChallengeState,
    PanelSeatState,
    Payer,
    ReviewState,
)
from ..timeutil import local_today
from .filters import StatsFilter
from .scope import (
    QUALIFIED_BID,
    days_between,
    received,
    scope,
    within,
    within_days,
)

# Which date a figure's period applies to (shown as help text next to each figure).
BASIS = {
    "submitted": _l("按企业提交审核的日期计入期间（征集）"),
    "published": _l("按发布日期计入期间（重新发布的按最近一次）"),
    "bid": _l("按揭榜方案提交日期计入期间（不含草稿和已撤回的方案）"),
    "contracted": _l("按榜单签约日期计入期间"),
    "accepted": _l("按榜单验收通过日期计入期间"),
    "paid": _l("按台账付款日期计入期间（含冲正）"),
    "today": _l("截至今天（北京时间），不受期间限制"),
    "assigned": _l("按评审分配日期计入期间（不含已回避）"),
    "reviewed": _l("按评分提交日期计入期间"),
    "reported": _l("按成果报告提交日期计入期间（验收后第 1、3 年由揭榜方和发榜单位分别填报）"),
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str        # count | money (分) | days (a median)
    basis: str       # a BASIS key
    records: str     # challenge | bid | contract | entry | milestone | assignment | review | outcome


_FIXED = [
    Figure("submitted", _l("征集需求"), COUNT, "submitted", "challenge"),
    Figure("published", _l("发布榜单"), COUNT, "published", "challenge"),
    Figure("bid_challenges", _l("被揭榜的榜单"), COUNT, "bid", "challenge"),
    Figure("contracted", _l("签约榜单"), COUNT, "contracted", "challenge"),
    Figure("accepted", _l("验收通过榜单"), COUNT, "accepted", "challenge"),
    Figure("bids", _l("收到揭榜方案"), COUNT, "bid", "bid"),
    Figure("bounty", _l("揭榜总金额"), MONEY, "contracted", "challenge"),
    Figure("investment", _l("带动研发投入"), MONEY, "contracted", "challenge"),
    Figure("contracts", _l("签订合同"), COUNT, "contracted", "contract"),
    Figure("contract_amount", _l("合同金额（企业榜金）"), MONEY, "contracted", "contract"),
    Figure("subsidy_committed", _l("政府补助承诺"), MONEY, "contracted", "contract"),
    Figure("paid_total", _l("已支付合计"), MONEY, "paid", "entry"),
    Figure("paid_enterprise", _l("企业已支付榜金"), MONEY, "paid", "entry"),
    Figure("paid_government", _l("政府补助已支付"), MONEY, "paid", "entry"),
    Figure("days_to_contract", _l("发布→签约天数（中位数）"), DAYS, "contracted", "challenge"),
    Figure("days_to_accept", _l("签约→验收天数（中位数）"), DAYS, "accepted", "challenge"),
    Figure("matched", _l("有合格方案的榜单"), COUNT, "published", "challenge"),
    Figure("published_bids", _l("已发布榜单收到的方案"), COUNT, "published", "bid"),
    Figure("overdue", _l("逾期里程碑"), COUNT, "today", "milestone"),
    Figure("assignments", _l("评审分配"), COUNT, "assigned", "assignment"),
    Figure("reviews", _l("提交评分"), COUNT, "reviewed", "review"),
    # What came of it (challenge/outcomes): the parties' outcome reports, and the money the
    # government put into the 榜 contracted in the period (the leverage figure's denominator).
    Figure("tech_contract_amount", _l("技术合同成交额"), MONEY, "reported", "outcome"),
    Figure("tech_contracts", _l("技术合同登记数"), COUNT, "reported", "outcome"),
    Figure("results_registered", _l("成果登记数"), COUNT, "reported", "outcome"),
    Figure("patents_filed", _l("申请专利"), COUNT, "reported", "outcome"),
    Figure("patents_granted", _l("授权专利"), COUNT, "reported", "outcome"),
    Figure("outcome_sales", _l("产品销售额"), MONEY, "reported", "outcome"),
    Figure("fiscal_paid", _l("财政资金实付（签约榜单）"), MONEY, "contracted", "entry"),
    Figure("outcome_overdue", _l("逾期未报的成果报告"), COUNT, "today", "outcome"),
]
FIGURES = {f.key: f for f in _FIXED}


def thresholds_wan() -> list[int]:
    """Investment thresholds in 万元, largest first (config STATS_THRESHOLDS_WAN)."""
    return sorted({int(t) for t in current_app.config.get("STATS_THRESHOLDS_WAN", (1000, 500))},
                  reverse=True)


def figure_for(key: str) -> Figure | None:
    """A figure by key; parametrised keys: state:<state>, invest_ge:<万元>, assignments:<user id>,
    reviews:<user id>."""
    if key in FIGURES:
        return FIGURES[key]
    name, _sep, arg = key.partition(":")
    if name == "state" and arg in {s.value for s in ChallengeState}:
        return Figure(key, ChallengeState(arg).label, COUNT, "submitted", "challenge")
    if name == "invest_ge" and parse_int(arg, 0) in thresholds_wan():
        return Figure(key, _l("总投入 ≥ %(n)s 万元的签约榜单", n=arg), COUNT, "contracted", "challenge")
    if name in ("assignments", "reviews") and parse_id(arg):
        return replace(FIGURES[name], key=key)
    return None


@dataclass
class Drill:
    """The records behind a figure: `query` selects the entities in display order; `total`
    is a one-row aggregate (count, or the summed amount for money figures)."""

    figure: Figure
    query: object
    total: object
    amount: object | None = None   # the summed column, for display per row
    duration: object | None = None  # days, for the median figures


def drill(figure: Figure, f: StatsFilter, today: date | None = None) -> Drill:
    key, _sep, arg = figure.key.partition(":")
    builder = _BUILDERS[key]
    return builder(figure, f, arg, today or local_today())


def _challenges(figure, f, cond, order, amount=None, duration=None) -> Drill:
    conds = [*scope(f), cond]
    query = select(Challenge).where(*conds).order_by(order, Challenge.id.desc())
    total = select(func.coalesce(func.sum(amount), 0) if amount is not None
                   else func.count(Challenge.id)).where(*conds)
    return Drill(figure, query, total, amount, duration)


def _by_stamp(column):
    def build(figure, f, arg, today):
        return _challenges(figure, f, within(column, f), column.desc())
    return build


def _state(figure, f, arg, today):
    """The 榜 collected (submitted) in the period that are now in this state."""
    return _challenges(figure, f, (Challenge.state == ChallengeState(arg)) & within(
        Challenge.submitted_at, f), Challenge.submitted_at.desc())


def _bid_challenges(figure, f, arg, today):
    bid = select(Proposal.challenge_id).where(received(Proposal.state),
                                              within(Proposal.submitted_at, f))
    return _challenges(figure, f, Challenge.id.in_(bid), Challenge.published_at.desc())


def _contracted_sum(column):
    def build(figure, f, arg, today):
        return _challenges(figure, f, within(Challenge.contracted_at, f),
                           Challenge.contracted_at.desc(), amount=column)
    return build


def _invest_ge(figure, f, arg, today):
    return _challenges(figure, f, within(Challenge.contracted_at, f)
                       & (Challenge.investment_fen >= int(arg) * FEN_PER_WAN),
                       Challenge.investment_fen.desc())


def _matched(figure, f, arg, today):
    qualified = select(Proposal.challenge_id).where(Proposal.state.in_(QUALIFIED_BID))
    return _challenges(figure, f, within(Challenge.published_at, f) & Challenge.id.in_(qualified),
                       Challenge.published_at.desc())


def _days(later, earlier):
    def build(figure, f, arg, today):
        duration = days_between(later, earlier)
        return _challenges(figure, f, within(later, f) & earlier.is_not(None), duration.asc(),
                           duration=duration)
    return build


def _bids(figure, f, arg, today):
    on_challenge = scope(f)
    conds = [*on_challenge, received(Proposal.state)]
    conds.append(within(Proposal.submitted_at if figure.key == "bids" else Challenge.published_at, f))
    query = select(Proposal).where(*conds).order_by(Proposal.submitted_at.desc(), Proposal.id.desc())
    total = select(func.count(Proposal.id)).where(*conds)
    if on_challenge or figure.key != "bids":  # bids by bid date alone never look at their 榜
        query = query.join(Challenge, Challenge.id == Proposal.challenge_id)
        total = total.join(Challenge, Challenge.id == Proposal.challenge_id)
    return Drill(figure, query, total)


def _contracts(figure, f, arg, today):
    amount = {"contracts": None, "contract_amount": Contract.amount_fen,
              "subsidy_committed": Contract.subsidy_fen}[figure.key]
    conds = [*scope(f), Contract.signed_at.is_not(None), within(Challenge.contracted_at, f)]
    join = (Challenge, Challenge.id == Contract.challenge_id)
    query = select(Contract).join(*join).where(*conds).order_by(Contract.signed_at.desc(),
                                                                Contract.id.desc())
    total = select(func.coalesce(func.sum(amount), 0) if amount is not None
                   else func.count(Contract.id)).join(*join).where(*conds)
    return Drill(figure, query, total, amount)


def _entries(figure, f, arg, today):
    conds = [*scope(f), LedgerEntry.kind.in_(PAID_KINDS),
             within_days(LedgerEntry.paid_on, f)]
    if figure.key == "paid_enterprise":
        conds.append(LedgerEntry.payer == Payer.ENTERPRISE)
    elif figure.key == "paid_government":
        conds.append(LedgerEntry.payer == Payer.GOVERNMENT)
    query = (select(LedgerEntry).join(Contract, Contract.id == LedgerEntry.contract_id)
             .join(Challenge, Challenge.id == Contract.challenge_id).where(*conds)
             .order_by(LedgerEntry.paid_on.desc(), LedgerEntry.id.desc()))
    total = (select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
             .join(Contract, Contract.id == LedgerEntry.contract_id)
             .join(Challenge, Challenge.id == Contract.challenge_id).where(*conds))
    return Drill(figure, query, total, LedgerEntry.amount_fen)


def _overdue(figure, f, arg, today):
    conds = [*scope(f), *overdue_conditions(today)]
    base = (Contract, Contract.id == ContractMilestone.contract_id)
    query = (select(ContractMilestone).join(*base).join(Challenge, Challenge.id == Contract.challenge_id)
             .where(*conds).order_by(ContractMilestone.due_on, ContractMilestone.id))
    total = (select(func.count(ContractMilestone.id)).join(*base)
             .join(Challenge, Challenge.id == Contract.challenge_id).where(*conds))
    return Drill(figure, query, total)


def _assignments(figure, f, arg, today):
    conds = [*scope(f), ReviewAssignment.state == PanelSeatState.ASSIGNED,
             within(ReviewAssignment.assigned_at, f)]
    if arg:
        conds.append(ReviewAssignment.reviewer_id == int(arg))
    join = (Challenge, Challenge.id == ReviewAssignment.challenge_id)
    query = select(ReviewAssignment).join(*join).where(*conds).order_by(
        ReviewAssignment.assigned_at.desc(), ReviewAssignment.id.desc())
    return Drill(figure, query, select(func.count(ReviewAssignment.id)).join(*join).where(*conds))


def _reviews(figure, f, arg, today):
    conds = [*scope(f), Review.state == ReviewState.SUBMITTED, within(Review.submitted_at, f)]
    if arg:
        conds.append(Review.reviewer_id == int(arg))
    join = (Challenge, Challenge.id == Review.challenge_id)
    query = select(Review).join(*join).where(*conds).order_by(Review.submitted_at.desc(),
                                                              Review.id.desc())
    return Drill(figure, query, select(func.count(Review.id)).join(*join).where(*conds))


# Outcome figures: the reports that count (beyond being filed in the period) and the column
# summed (None: the reports are counted).
OUTCOME_MEASURES = {
    "tech_contract_amount": (OutcomeReport.tech_contract_no != "", OutcomeReport.tech_contract_fen),
    "tech_contracts": (OutcomeReport.tech_contract_no != "", None),
    "results_registered": (OutcomeReport.results_no != "", None),
    "patents_filed": (OutcomeReport.patents_filed > 0, OutcomeReport.patents_filed),
    "patents_granted": (OutcomeReport.patents_granted > 0, OutcomeReport.patents_granted),
    "outcome_sales": (OutcomeReport.sales_fen > 0, OutcomeReport.sales_fen),
}


def outcome_conditions(f: StatsFilter) -> list:
    """Filed reports in the period, on 榜 the filter keeps (join Contract and Challenge)."""
    return [*scope(f), OutcomeReport.submitted_at.is_not(None), within(OutcomeReport.submitted_at, f)]


def _outcomes(figure, f, arg, today):
    counts, amount = OUTCOME_MEASURES[figure.key]
    conds = [*outcome_conditions(f), counts]
    joins = ((Contract, Contract.id == OutcomeReport.contract_id),
             (Challenge, Challenge.id == Contract.challenge_id))
    query = select(OutcomeReport)
    total = select(func.coalesce(func.sum(amount), 0) if amount is not None
                   else func.count(OutcomeReport.id))
    for target, onclause in joins:
        query, total = query.join(target, onclause), total.join(target, onclause)
    query = query.where(*conds).order_by(OutcomeReport.submitted_at.desc(), OutcomeReport.id.desc())
    return Drill(figure, query, total.where(*conds), amount)


def overdue_outcome_conditions(f: StatsFilter, today: date) -> list:
    """Reports the remind-outcomes job has scheduled, past their due date and not filed."""
    return [*scope(f), OutcomeReport.submitted_at.is_(None), OutcomeReport.due_on < today]


def _outcome_overdue(figure, f, arg, today):
    conds = overdue_outcome_conditions(f, today)
    joins = ((Contract, Contract.id == OutcomeReport.contract_id),
             (Challenge, Challenge.id == Contract.challenge_id))
    query, total = select(OutcomeReport), select(func.count(OutcomeReport.id))
    for target, onclause in joins:
        query, total = query.join(target, onclause), total.join(target, onclause)
    return Drill(figure, query.where(*conds).order_by(OutcomeReport.due_on, OutcomeReport.id),
                 total.where(*conds))


def fiscal_conditions(f: StatsFilter) -> list:
    """The government's net payments (payments, reversals and advances: PAID_KINDS), whenever
    made, on the contracts of the 榜 contracted in the period: what 带动研发投入 is set against."""
    return [*scope(f), LedgerEntry.payer == Payer.GOVERNMENT,
            LedgerEntry.kind.in_(PAID_KINDS),
            within(Challenge.contracted_at, f)]


def _fiscal(figure, f, arg, today):
    conds = fiscal_conditions(f)
    query = (select(LedgerEntry).join(Contract, Contract.id == LedgerEntry.contract_id)
             .join(Challenge, Challenge.id == Contract.challenge_id).where(*conds)
             .order_by(LedgerEntry.paid_on.desc(), LedgerEntry.id.desc()))
    total = (select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
             .join(Contract, Contract.id == LedgerEntry.contract_id)
             .join(Challenge, Challenge.id == Contract.challenge_id).where(*conds))
    return Drill(figure, query, total, LedgerEntry.amount_fen)


_BUILDERS = {
    "submitted": _by_stamp(Challenge.submitted_at),
    "published": _by_stamp(Challenge.published_at),
    "contracted": _by_stamp(Challenge.contracted_at),
    "accepted": _by_stamp(Challenge.accepted_at),
    "state": _state,
    "bid_challenges": _bid_challenges,
    "bounty": _contracted_sum(Challenge.bounty_fen),
    "investment": _contracted_sum(Challenge.investment_fen),
    "invest_ge": _invest_ge,
    "matched": _matched,
    "days_to_contract": _days(Challenge.contracted_at, Challenge.published_at),
    "days_to_accept": _days(Challenge.accepted_at, Challenge.contracted_at),
    "bids": _bids,
    "published_bids": _bids,
    "contracts": _contracts,
    "contract_amount": _contracts,
    "subsidy_committed": _contracts,
    "paid_total": _entries,
    "paid_enterprise": _entries,
    "paid_government": _entries,
    "overdue": _overdue,
    "assignments": _assignments,
    "reviews": _reviews,
    **{key: _outcomes for key in OUTCOME_MEASURES},
    "fiscal_paid": _fiscal,
    "outcome_overdue": _outcome_overdue,
}
