"""The dashboard's figures, each from an aggregate query (COUNT / SUM / GROUP BY); a handful
of queries per page whatever the number of 榜, bids or payments. Python only adds up the few
grouped rows that come back. The statements run two at a time (`side_by_side`)."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import String, case, cast, distinct, func, literal, null, select, true, union_all

from ..awarding.rules import overdue_conditions
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
from ..money import FEN_PER_WAN
from ..states import (
    PAID_KINDS,
    ChallengeKind,
    ChallengeState,
    PanelSeatState,
    Payer,
    ReviewState,
)
from ..timeutil import local_today
from .filters import StatsFilter
from .records import (
    OUTCOME_MEASURES,
    fiscal_conditions,
    outcome_conditions,
    overdue_outcome_conditions,
    thresholds_wan,
)
from .scope import (
    QUALIFIED_BID,
    as_int,
    count_if,
    days_between,
    dialect,
    local_bucket,
    received,
    scope,
    sum_if,
    within,
    within_days,
)

FUNNEL = ("submitted", "published", "bid_challenges", "contracted", "accepted")
TOP_GROUPS = 12       # fields / regions shown in the breakdowns
MONTHLY_LIMIT = 36    # longer periods are shown per year


@dataclass
class Group:
    """One row of a breakdown: the filter arguments that narrow to it, and its figures."""

    label: str
    args: dict
    published: int
    contracted: int
    bounty: int
    investment: int


@dataclass
class Bucket:
    label: str
    start: date
    end: date
    published: int = 0
    contracted: int = 0


@dataclass
class Reviewer:
    id: int
    name: str
    organization: str
    assigned: int
    reviewed: int


@dataclass
class Dashboard:
    values: dict[str, float | int | None]
    counts: dict[str, int] = field(default_factory=dict)   # n behind each median
    states: list[tuple[ChallengeState, int]] = field(default_factory=list)   # 征集 in the period
    public_states: list[tuple[ChallengeState, int]] = field(default_factory=list)  # 发布 in it
    by_kind: list[Group] = field(default_factory=list)
    by_field: list[Group] = field(default_factory=list)
    by_region: list[Group] = field(default_factory=list)
    trend: list[Bucket] = field(default_factory=list)
    granularity: str = "month"
    reviewers: list[Reviewer] = field(default_factory=list)
    reviewer_count: int = 0
    thresholds: list[int] = field(default_factory=list)

    def rate(self, numerator: str, denominator: str) -> float | None:
        top, bottom = self.values.get(numerator), self.values.get(denominator)
        return None if not bottom else (top or 0) / bottom

    @property
    def funnel(self) -> list[tuple[str, int, float | None]]:
        """(key, value, conversion from the previous stage)."""
        out = []
        for n, key in enumerate(FUNNEL):
            out.append((key, self.values[key], self.rate(key, FUNNEL[n - 1]) if n else None))
        return out


def challenge_pass(f: StatsFilter, thresholds: list[int], public: bool = False) -> dict:
    """The 榜 figures in three statements over the 榜 a stamp puts in the period: 征集 by state;
    发布 and 签约 (with 揭榜总金额, 带动研发投入, thresholds) by 榜单类型, field and the issuer's
    region; the months (and 验收). Each reads one covering index (migration 0008) and never the
    榜's rows. Totals and the breakdowns are sums of the few grouped rows that come back."""
    sub, acc = within(Challenge.submitted_at, f), within(Challenge.accepted_at, f)
    conds = scope(f)
    found: dict = {"state": {}, "pub_state": {}, "kind": {}, "field": {}, "region": {}, "pub_m": {},
                   "con_m": {}}
    found["state"] = dict(db.session.execute(
        select(Challenge.state, func.count()).where(*conds, sub).group_by(Challenge.state)).all())
    if public:
        found["pub_state"] = dict(db.session.execute(
            select(Challenge.state, func.count()).where(*conds, within(Challenge.published_at, f))
            .group_by(Challenge.state)).all())
    zero = literal(0)
    # Measures: published, contracted, 揭榜总金额, 带动研发投入, one count per threshold.
    on_publish = [func.count(), zero, zero, zero, *[zero for _wan in thresholds]]
    on_contract = [zero, func.count(), func.sum(Challenge.bounty_fen), func.sum(Challenge.investment_fen),
                  *[count_if(Challenge.investment_fen >= wan * FEN_PER_WAN) for wan in thresholds]]
    grouping = (Challenge.kind, Challenge.field, Organization.region)

    def grouped(stamp, measures):
        return (select(*grouping, *[m.label(f"m{n}") for n, m in enumerate(measures)])
                .join(Organization, Organization.id == Challenge.issuer_org_id)
                .where(*conds, within(stamp, f)).group_by(*grouping))

    rows = db.session.execute(union_all(grouped(Challenge.published_at, on_publish),
                                        grouped(Challenge.contracted_at, on_contract)))
    totals = [0] * len(on_publish)
    for kind, field_, region, *values in rows:
        values = [as_int(v) for v in values]
        for dim, key in (("kind", ChallengeKind(kind).value), ("field", field_), ("region", region)):
            row = found[dim].setdefault(key, [0] * len(on_publish))
            found[dim][key] = [a + b for a, b in zip(row, values, strict=True)]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
    months = []
    for dim, column in (("pub_m", Challenge.published_at), ("con_m", Challenge.contracted_at)):
        bucket = local_bucket(column, "month")
        months.append(select(literal(dim), bucket, func.count()).where(*conds, within(column, f))
                      .group_by(bucket))
    months.append(select(literal("acc"), cast(null(), String), func.count()).where(*conds, acc))
    accepted = 0
    for dim, month, n in db.session.execute(union_all(*months)):
        if dim == "acc":
            accepted = n
        else:
            found[dim][month] = [n]
    published, contracted, bounty, investment, *over = totals
    found["total"] = {"submitted": sum(found["state"].values()), "published": published,
                      "contracted": contracted, "accepted": accepted, "bounty": bounty,
                      "investment": investment,
                      **{f"invest_ge:{wan}": n for wan, n in zip(thresholds, over, strict=True)}}
    return found


def single_figures(f: StatsFilter, today: date) -> dict[str, int]:
    """Every other single-valued figure in one statement: one-row aggregates (bids and matching,
    contracts, the ledger, overdue milestones), each computed once, side by side."""
    conds = scope(f)

    def scoped(query, *path):
        """Join the 榜 (through *path*) only when a 榜 filter needs it."""
        if not conds:
            return query
        for target, onclause in path:
            query = query.join(target, onclause)
        return query.where(*conds)

    # Bids received in the period (by bid date), and the bids on the 榜 published in the period
    # with how many of those 榜 have one that passed the check.
    bids = scoped(select(func.count(Proposal.id).label("bids"),
                         func.count(distinct(Proposal.challenge_id)).label("bid_challenges"))
                  .where(received(Proposal.state), within(Proposal.submitted_at, f)),
                  (Challenge, Challenge.id == Proposal.challenge_id)).subquery()
    on_published = (select(func.count(Proposal.id).label("published_bids"),
                           func.count(distinct(case((Proposal.state.in_(QUALIFIED_BID),
                                                     Proposal.challenge_id)))).label("matched"))
                    .join(Challenge, Challenge.id == Proposal.challenge_id)
                    .where(*conds, received(Proposal.state), within(Challenge.published_at, f))
                    ).subquery()
    contracts = (select(func.count(Contract.id).label("contracts"),
                        func.coalesce(func.sum(Contract.amount_fen), 0).label("contract_amount"),
                        func.coalesce(func.sum(Contract.subsidy_fen), 0).label("subsidy_committed"))
                 .join(Challenge, Challenge.id == Contract.challenge_id)
                 .where(*conds, Contract.signed_at.is_not(None), within(Challenge.contracted_at, f))
                 ).subquery()
    paid = scoped(select(sum_if(LedgerEntry.payer == Payer.ENTERPRISE, LedgerEntry.amount_fen)
                         .label("paid_enterprise"),
                         sum_if(LedgerEntry.payer == Payer.GOVERNMENT, LedgerEntry.amount_fen)
                         .label("paid_government"))
                  .where(LedgerEntry.kind.in_(PAID_KINDS),
                         within_days(LedgerEntry.paid_on, f)),
                  (Contract, Contract.id == LedgerEntry.contract_id),
                  (Challenge, Challenge.id == Contract.challenge_id)).subquery()
    overdue = (select(func.count(ContractMilestone.id).label("overdue"))
               .join(Contract, Contract.id == ContractMilestone.contract_id)
               .where(*overdue_conditions(today)))
    if conds:
        overdue = overdue.join(Challenge, Challenge.id == Contract.challenge_id).where(*conds)
    overdue = overdue.subquery()
    # What came of it: the outcome reports filed in the period (each figure as its drill-down
    # counts or sums it), and the government's net payments on the 榜 contracted in the period.
    outcome_measures = [(count_if(cond) if amount is None else sum_if(cond, amount)).label(key)
                        for key, (cond, amount) in OUTCOME_MEASURES.items()]
    outcomes = (select(*outcome_measures).select_from(OutcomeReport)
                .join(Contract, Contract.id == OutcomeReport.contract_id)
                .join(Challenge, Challenge.id == Contract.challenge_id)
                .where(*outcome_conditions(f))).subquery()
    fiscal = (select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0).label("fiscal_paid"))
              .join(Contract, Contract.id == LedgerEntry.contract_id)
              .join(Challenge, Challenge.id == Contract.challenge_id)
              .where(*fiscal_conditions(f))).subquery()
    outcome_overdue = (select(func.count(OutcomeReport.id).label("outcome_overdue"))
                       .join(Contract, Contract.id == OutcomeReport.contract_id)
                       .join(Challenge, Challenge.id == Contract.challenge_id)
                       .where(*overdue_outcome_conditions(f, today))).subquery()
    parts = [bids, on_published, contracts, paid, overdue, outcomes, fiscal, outcome_overdue]
    query = select(*[c for p in parts for c in p.c]).select_from(parts[0])
    for p in parts[1:]:
        query = query.join(p, true())
    out = {key: as_int(value) for key, value in db.session.execute(query).one()._asdict().items()}
    out["paid_total"] = out["paid_enterprise"] + out["paid_government"]
    return out


DURATIONS = {"days_to_contract": (Challenge.contracted_at, Challenge.published_at),
             "days_to_accept": (Challenge.accepted_at, Challenge.contracted_at)}


def durations(f: StatsFilter, keys=tuple(DURATIONS)) -> dict[str, tuple[float | None, int]]:
    """Median days publish → contract (榜 contracted in the period) and contract → acceptance
    (榜 accepted in the period), with n, in one statement: percentile_cont on PostgreSQL; on
    SQLite the middle one or two of the sorted durations (LIMIT 2 - n % 2 OFFSET (n - 1) / 2),
    which costs a sort of a few thousand numbers instead of sending them all to Python."""
    subs = []
    for key in keys:
        later, earlier = DURATIONS[key]
        days = days_between(later, earlier).label("days")
        where = (*scope(f), within(later, f), earlier.is_not(None))
        if dialect() == "postgresql":
            subs.append(select(func.percentile_cont(0.5).within_group(days).label(key),
                               func.count().label(f"{key}_n")).where(*where).subquery())
            continue
        rows = select(days).where(*where).cte(f"{key}_rows")
        n = select(func.count()).select_from(rows).scalar_subquery()
        middle = (select(rows.c.days).order_by(rows.c.days)
                  .limit(2 - n % 2).offset((n - 1) // 2).subquery())
        subs.append(select(select(func.avg(middle.c.days)).scalar_subquery().label(key),
                           n.label(f"{key}_n")).subquery())
    query = select(*[c for sub in subs for c in sub.c]).select_from(subs[0])
    for sub in subs[1:]:
        query = query.join(sub, true())
    row = db.session.execute(query).one()._asdict()
    return {key: (None if row[key] is None else round(float(row[key]), 1), int(row[f"{key}_n"] or 0))
            for key in keys}


def median_days(f: StatsFilter, key: str) -> tuple[float | None, int]:
    """One median alone (for the drill-down page): (days rounded to 0.1, n)."""
    return durations(f, (key,))[key]


def _groups(found: dict, dimension: str) -> list[Group]:
    """Rows of a breakdown: every 榜单类型; the fields and regions largest first (top ones)."""
    rows = found.get(dimension, {})
    if dimension == "kind":
        return [Group(str(k.label), {"kind": k.value}, *rows.get(k.value, (0, 0, 0, 0))[:4])
                for k in ChallengeKind]
    ordered = sorted(rows.items(), key=lambda item: (-item[1][0], -item[1][1], item[0] or ""))
    return [Group(value or "—", {dimension: value} if value else {}, *figures[:4])
            for value, figures in ordered[:TOP_GROUPS]]


def _states(found: dict, dimension: str) -> list[tuple[ChallengeState, int]]:
    rows = found.get(dimension, {})
    return [(s, rows.get(s, 0)) for s in ChallengeState]


def trend_of(found: dict, f: StatsFilter) -> tuple[list[Bucket], str]:
    """Published and contracted 榜 per Shanghai month of the period (per year beyond
    MONTHLY_LIMIT months); months without any are shown as zeros."""
    months: dict[str, list[int]] = {}
    for position, dim in enumerate(("pub_m", "con_m")):
        for month, values in found.get(dim, {}).items():
            months.setdefault(month, [0, 0])[position] = values[0]
    if not months and (f.start is None or f.end is None):
        return [], "month"
    first = min([*months, *([_month(f.start)] if f.start else [])])
    last = max([*months, *([_month(f.end)] if f.end else [])])
    return _buckets(months, _months(first, last), f)


def _buckets(found: dict[str, list[int]], months: list[str], f: StatsFilter) -> tuple[list[Bucket], str]:
    granularity = "month" if len(months) <= MONTHLY_LIMIT else "year"
    buckets: dict[str, Bucket] = {}
    for month in months:
        label = month if granularity == "month" else month[:4]
        start, end = _month_range(month)
        bucket = buckets.setdefault(label, Bucket(label, start, end))
        bucket.end = end
        published, contracted = found.get(month, (0, 0))
        bucket.published += published
        bucket.contracted += contracted
    for bucket in buckets.values():  # the drill-down of a bucket stays inside the period
        bucket.start = max(bucket.start, f.start) if f.start else bucket.start
        bucket.end = min(bucket.end, f.end) if f.end else bucket.end
    return list(buckets.values()), granularity


def trend(f: StatsFilter) -> tuple[list[Bucket], str]:
    return trend_of(challenge_pass(f, []), f)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_range(month: str) -> tuple[date, date]:
    y, m = int(month[:4]), int(month[5:7])
    start = date(y, m, 1)
    following = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return start, following - timedelta(days=1)


def reviewer_workload(f: StatsFilter, limit: int = 20) -> tuple[list[Reviewer], dict[str, int]]:
    """Seats assigned and reviews submitted per reviewer (busiest first, the first *limit*),
    with the totals over all reviewers (window sums) — one statement. Each account's two
    counts are correlated subqueries over (reviewer, state, stamp) indexes: a few thousand
    index ranges instead of sorting every review of the period for a GROUP BY (all-time at
    620k reviews: ~270 → ~60 ms on SQLite)."""
    conds = scope(f)

    def per_account(model, stamp, state):
        query = select(func.count()).select_from(model).where(model.reviewer_id == User.id, state,
                                                               within(stamp, f))
        if conds:
            query = query.join(Challenge, Challenge.id == model.challenge_id).where(*conds)
        return query.scalar_subquery()

    per = select(User.id.label("rid"),
                 per_account(ReviewAssignment, ReviewAssignment.assigned_at,
                             ReviewAssignment.state == PanelSeatState.ASSIGNED).label("a"),
                 per_account(Review, Review.submitted_at, Review.state == ReviewState.SUBMITTED).label("r")
                 ).cte("per_account").prefix_with("MATERIALIZED")  # each count once, not once per use
    ranked = select(per.c.rid, per.c.a, per.c.r,
                    func.sum(case(((per.c.a > 0) | (per.c.r > 0), 1), else_=0)).over().label("n"),
                    func.sum(per.c.a).over().label("ta"), func.sum(per.c.r).over().label("tr")).subquery()
    rows = db.session.execute(
        select(User.id, User.name, Organization.name, ranked.c.a, ranked.c.r, ranked.c.n, ranked.c.ta,
               ranked.c.tr)
        .join(ranked, ranked.c.rid == User.id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .order_by(ranked.c.a.desc(), ranked.c.r.desc(), User.id).limit(limit)).all()
    reviewers = [Reviewer(uid, name, org or "", as_int(a), as_int(r))
                 for uid, name, org, a, r, *_totals in rows if a or r]
    n, assigned, reviewed = rows[0][5:] if rows else (0, 0, 0)
    return reviewers, {"reviewers": as_int(n), "assignments": as_int(assigned), "reviews": as_int(reviewed)}


def side_by_side(*jobs):
    """Run independent read-only jobs two at a time, each in its own app context and so on its
    own database connection, and return their results in order. SQLite and the PostgreSQL
    driver release the GIL while a statement runs, so both cores work on one dashboard (at
    100k 榜: ~270 → ~170 ms on SQLite). Sequential on an in-memory SQLite database, which
    another connection could not see."""
    if db.engine.url.get_backend_name() == "sqlite" and db.engine.url.database in (None, "", ":memory:"):
        return [job() for job in jobs]
    app = current_app._get_current_object()

    def run(job):
        with app.app_context():
            try:
                return job()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="statistics") as pool:
        return [future.result() for future in [pool.submit(run, job) for job in jobs]]


def dashboard(f: StatsFilter, today: date | None = None, workload: bool = True) -> Dashboard:
    """Every figure of the admin dashboard for filter *f*, in seven statements whatever the
    volume: three for the 榜, one for bids / contracts / ledger / milestones, one for the
    medians and one for the reviewers; run two at a time (`side_by_side`)."""
    today = today or local_today()
    thresholds = thresholds_wan()
    # Longest first, so the two workers finish at about the same time.
    single, found, (reviewers, totals), medians = side_by_side(
        lambda: single_figures(f, today),
        lambda: challenge_pass(f, thresholds, public=not workload),
        lambda: reviewer_workload(f) if workload else ([], {"reviewers": 0}),
        lambda: durations(f))
    values: dict = dict(found["total"]) | single
    counts = {}
    for key, (median, n) in medians.items():
        values[key], counts[key] = median, n
    values |= {k: totals[k] for k in ("assignments", "reviews") if k in totals}
    buckets, granularity = trend_of(found, f)
    return Dashboard(values=values, counts=counts, states=_states(found, "state"),
                     public_states=_states(found, "pub_state"), by_kind=_groups(found, "kind"),
                     by_field=_groups(found, "field"), by_region=_groups(found, "region"), trend=buckets,
                     granularity=granularity, reviewers=reviewers, reviewer_count=totals["reviewers"],
                     thresholds=thresholds)


def public_figures(f: StatsFilter) -> Dashboard:
    """The subset a bureau publishes: aggregates only, nothing per 榜 or per enterprise.
    Outcomes are the current states of the 榜 published in the period."""
    board = dashboard(f, workload=False)
    keep = ("submitted", "published", "bid_challenges", "contracted", "accepted", "bids", "bounty",
            "investment", "contracts", "subsidy_committed", "paid_total", "days_to_contract",
            *(f"invest_ge:{wan}" for wan in board.thresholds))
    return Dashboard(values={k: board.values[k] for k in keep},
                     counts={"days_to_contract": board.counts["days_to_contract"]},
                     states=board.public_states, by_kind=board.by_kind,
                     trend=board.trend, granularity=board.granularity, thresholds=board.thresholds)
