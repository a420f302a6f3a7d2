"""What each export contains: its columns and a row stream read in batches with plain SQL
columns (no ORM objects per row), so a table of 100,000 榜 or 1,000,000 events streams through.

Filters: the statistics filter (period / 榜单类型 / field / region of the issuer) that the
dashboard shares, the admin challenge list's state tab, one 榜, and for the audit trail its own
filter. Each table says which date the period applies to (PERIOD_BASIS).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ..audit_trail import display
from ..audit_trail.query import AuditFilter
from ..awarding.rules import OVERDUE_STATES
from ..extensions import db
from ..inputs import parse_id
from ..models import (
    AuditEvent,
    Challenge,
    ChallengeIndicator,
    Contract,
    ContractMilestone,
    LedgerEntry,
    Organization,
    Proposal,
    Review,
    User,
)
from ..models.base import csv_list
from ..money import subsidy_fen
from ..reviewing.aggregate import aggregate, rank
from ..reviewing.rubric import rubric_for
from ..reviewing.scoring import SCORED_STATES
from ..states import (
    LIVE_PROPOSAL_STATES,
    PAID_KINDS,
    ChallengeKind,
    ChallengeState,
    Confidentiality,
    ContractState,
    EntryKind,
    FailureRule,
    FundingMode,
    MilestoneState,
    OrgType,
    Payer,
    ProposalState,
    ReviewState,
)
from ..stats.filters import StatsFilter
from ..stats.scope import scope as stats_scope
from ..timeutil import local_today
from .writers import DATE, DATETIME, INT, MONEY, PERCENT, SCORE, TEXT, Column

BATCH = 1000


@dataclass(frozen=True)
class Scope:
    """The filters of one export request."""

    stats: StatsFilter = field(default_factory=lambda: StatsFilter(preset="all"))
    state: ChallengeState | None = None     # the admin challenge list's tab
    challenge_id: int | None = None          # bids / reviews of one 榜
    audit: AuditFilter = field(default_factory=AuditFilter)

    @classmethod
    def from_args(cls, args) -> tuple["Scope", dict[str, str]]:
        """Without ?period= an export covers all time (the dashboard's links always say)."""
        values = args.to_dict() if hasattr(args, "to_dict") else dict(args)
        values.setdefault("period", "all")
        stats, errors = StatsFilter.from_args(values)
        state = None
        if values.get("state") and values["state"] != "all":
            try:
                state = ChallengeState(values["state"])
            except ValueError:
                errors["state"] = _("未知的榜单状态。")
        challenge_id = None
        if values.get("challenge"):
            challenge_id = parse_id(values["challenge"])
            if challenge_id is None:
                errors["challenge"] = _("榜编号应为正整数。")
        audit, audit_errors = AuditFilter.from_args(values)
        return cls(stats, state, challenge_id, audit), {**errors, **audit_errors}

    def challenge_conditions(self) -> list:
        """Conditions on the 榜 (Challenge must be in the FROM list): the statistics' own scope,
        then the export's state and 榜 number."""
        found = stats_scope(self.stats)
        if self.state:
            found.append(Challenge.state == self.state)
        if self.challenge_id:
            found.append(Challenge.id == self.challenge_id)
        return found

    def period(self, column) -> list:
        """The statistics period on a datetime column (Shanghai days, compared in UTC)."""
        lower, upper = self.stats.utc_bounds()
        return [c for c in ((column >= lower) if lower else None,
                            (column < upper) if upper else None) if c is not None]

    def day_period(self, column) -> list:
        """The period on a DATE column (dates are Shanghai calendar days already)."""
        f = self.stats
        return [c for c in ((column >= f.start) if f.start else None,
                            (column <= f.end) if f.end else None) if c is not None]

    def description(self) -> list[tuple[str, str]]:
        f = self.stats
        lines = [(_("统计期间"), _period_text(f))]
        if f.kind:
            lines.append((_("榜单类型"), f.kind.label))
        if f.field:
            lines.append((_("技术领域"), f.field))
        if f.region:
            lines.append((_("发榜单位地区"), f.region))
        if self.state:
            lines.append((_("榜单状态"), self.state.label))
        if self.challenge_id:
            lines.append((_("榜编号"), str(self.challenge_id)))
        return lines


def _period_text(f: StatsFilter) -> str:
    if not f.start and not f.end:
        return _("全部")
    return f"{f.start.isoformat() if f.start else '…'} — {f.end.isoformat() if f.end else '…'}"


@dataclass(frozen=True)
class Table:
    name: str
    title: str            # sheet title and the Chinese file name
    ascii_name: str       # the file name's ASCII fallback
    columns: tuple[Column, ...]
    rows: Callable[[Scope], Iterator[tuple]]
    period_basis: str = ""
    audit: bool = False   # filtered by the audit trail's filter, not the statistics filter


def stream(statement) -> Iterator:
    """Rows of a Core select, fetched a batch at a time (server-side cursor on PostgreSQL)."""
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    for partition in result.partitions():
        yield from partition


def _label(enum_cls, value) -> str:
    if value is None:
        return ""
    return enum_cls(value).label if not isinstance(value, enum_cls) else value.label


# -- 榜 ------------------------------------------------------------------------------------

CHALLENGE_COLUMNS = (
    Column(_l("榜编号"), INT, 9), Column(_l("榜单名称"), TEXT, 30), Column(_l("状态"), TEXT, 10),
    Column(_l("榜单类型"), TEXT, 14), Column(_l("技术领域"), TEXT, 14),
    Column(_l("产业链标签"), TEXT, 20), Column(_l("发榜单位"), TEXT, 26),
    Column(_l("发榜单位地区"), TEXT, 14), Column(_l("统一社会信用代码"), TEXT, 20),
    Column(_l("榜额（万元）"), MONEY, 13), Column(_l("研发总投入（万元）"), MONEY, 15),
    Column(_l("资助方式"), TEXT, 12), Column(_l("最多揭榜方数量"), INT, 10),
    Column(_l("攻关周期（月）"), INT, 10), Column(_l("保密级别"), TEXT, 8),
    Column(_l("可揭榜单位类型"), TEXT, 16), Column(_l("地区限制"), TEXT, 14),
    Column(_l("资质要求"), TEXT, 24), Column(_l("公开摘要"), TEXT, 40),
    Column(_l("详细需求（保密）"), TEXT, 40),
    Column(_l("量化技术指标"), TEXT, 40), Column(_l("联系人"), TEXT, 10), Column(_l("联系电话"), TEXT, 14),
    Column(_l("联系邮箱"), TEXT, 20), Column(_l("评审人数"), INT, 8), Column(_l("合格分"), INT, 8),
    Column(_l("揭榜方案数"), INT, 10), Column(_l("入选方案数"), INT, 10),
    Column(_l("创建时间"), DATETIME, 17), Column(_l("提交审核时间"), DATETIME, 17),
    Column(_l("发布时间"), DATETIME, 17), Column(_l("揭榜截止"), DATETIME, 17),
    Column(_l("公示截止"), DATETIME, 17), Column(_l("签约时间"), DATETIME, 17),
    Column(_l("验收时间"), DATETIME, 17), Column(_l("结束时间"), DATETIME, 17),
    Column(_l("最后修改"), DATETIME, 17),
)


def _count_bids(*conditions):
    return (select(func.count(Proposal.id)).where(Proposal.challenge_id == Challenge.id, *conditions)
            .correlate(Challenge).scalar_subquery())


def challenge_rows(scope: Scope) -> Iterator[tuple]:
    statement = (
        select(Challenge.id, Challenge.title, Challenge.state, Challenge.kind, Challenge.field,
               Challenge.industry_tags, Organization.name, Organization.region,
               Organization.credit_code, Challenge.bounty_fen, Challenge.investment_fen,
               Challenge.funding_mode, Challenge.max_winners, Challenge.period_months,
               Challenge.confidentiality, Challenge.eligible_org_types, Challenge.eligible_regions,
               Challenge.qualifications, Challenge.summary, Challenge.detail,
               Challenge.contact_name, Challenge.contact_phone, Challenge.contact_email,
               Challenge.reviewers_required, Challenge.pass_mark,
               _count_bids(Proposal.state.in_(LIVE_PROPOSAL_STATES - {ProposalState.DRAFT})),
               _count_bids(Proposal.state == ProposalState.SELECTED),
               Challenge.created_at, Challenge.submitted_at, Challenge.published_at,
               Challenge.deadline_at, Challenge.publicity_ends_at, Challenge.contracted_at,
               Challenge.accepted_at, Challenge.ended_at, Challenge.updated_at)
        .join(Organization, Organization.id == Challenge.issuer_org_id)
        .where(*scope.challenge_conditions(), *scope.period(Challenge.created_at))
        .order_by(Challenge.id))
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    for partition in result.partitions():
        indicators: dict[int, list[str]] = {}
        for challenge_id, name, target, unit, method in db.session.execute(
                select(ChallengeIndicator.challenge_id, ChallengeIndicator.name,
                       ChallengeIndicator.target, ChallengeIndicator.unit, ChallengeIndicator.method)
                .where(ChallengeIndicator.challenge_id.in_([row[0] for row in partition]))
                .order_by(ChallengeIndicator.challenge_id, ChallengeIndicator.position)):
            text = f"{name}：{target}{unit}" + (f"（{method}）" if method else "")
            indicators.setdefault(challenge_id, []).append(text)
        for row in partition:
            (cid, title, state, kind, field_, tags, issuer, region, code, bounty, investment, mode,
             winners, months, conf, org_types, regions, quals, summary, detail, contact, phone,
             email, reviewers, pass_mark, bids, selected, *stamps) = row
            yield (cid, title, _label(ChallengeState, state), _label(ChallengeKind, kind), field_,
                   "、".join(csv_list(tags)), issuer, region, code, bounty, investment,
                   _label(FundingMode, mode), winners, months, _label(Confidentiality, conf),
                   "、".join(OrgType(v).label for v in csv_list(org_types)),
                   "、".join(csv_list(regions)), quals, summary, detail,
                   "\n".join(indicators.get(cid, [])), contact, phone, email, reviewers, pass_mark,
                   bids, selected, *stamps)


# -- 揭榜方案 with scores -------------------------------------------------------------------

BID_COLUMNS = (
    Column(_l("榜编号"), INT, 9), Column(_l("榜单名称"), TEXT, 28), Column(_l("榜单状态"), TEXT, 10),
    Column(_l("榜单类型"), TEXT, 14), Column(_l("技术领域"), TEXT, 14), Column(_l("发榜单位"), TEXT, 24),
    Column(_l("方案编号"), INT, 9), Column(_l("方案名称"), TEXT, 28), Column(_l("牵头单位"), TEXT, 24),
    Column(_l("单位类型"), TEXT, 10), Column(_l("单位地区"), TEXT, 14), Column(_l("团队负责人"), TEXT, 10),
    Column(_l("方案状态"), TEXT, 10), Column(_l("申请金额（万元）"), MONEY, 14),
    Column(_l("提交时间"), DATETIME, 17), Column(_l("资格审查意见"), TEXT, 24),
    Column(_l("评审份数"), INT, 8), Column(_l("综合得分"), SCORE, 9), Column(_l("计分方法"), TEXT, 22),
    Column(_l("分差"), INT, 6), Column(_l("评分分歧较大"), TEXT, 10), Column(_l("排名"), INT, 6),
    Column(_l("合格分"), INT, 7), Column(_l("达到合格分"), TEXT, 9),
)
METHOD_LABELS = {"mean": _l("平均分"), "trimmed": _l("去掉最高分和最低分后平均")}


def _bid_conditions(scope: Scope) -> list:
    return [Proposal.state != ProposalState.DRAFT, *scope.challenge_conditions(),
            *scope.period(Proposal.submitted_at)]


def _scores_by_challenge(scope: Scope) -> Iterator[tuple[int, dict]]:
    """Per 榜 (ascending id): {proposal id: (Aggregate, rank)} over its scored bids, from the
    submitted reviews, by the same rules as the results page (reviewing.aggregate)."""
    bids_in_scope = select(Proposal.challenge_id).join(Challenge, Challenge.id == Proposal.challenge_id) \
        .where(*_bid_conditions(scope))
    statement = (
        select(Review.challenge_id, Review.proposal_id, Review.scores)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Review.state == ReviewState.SUBMITTED, Proposal.state.in_(SCORED_STATES),
               Review.challenge_id.in_(bids_in_scope))
        .order_by(Review.challenge_id, Review.proposal_id))
    for challenge_id, reviews in groupby(stream(statement), key=lambda r: r[0]):
        totals: dict[int, list[int]] = {}
        for _cid, proposal_id, scores in reviews:
            totals.setdefault(proposal_id, []).append(sum(int(v) for v in (scores or {}).values()))
        aggregates = {pid: aggregate(values) for pid, values in totals.items()}
        places = rank({pid: agg.score for pid, agg in aggregates.items()})
        yield challenge_id, {pid: (agg, places[pid]) for pid, agg in aggregates.items()}


def bid_rows(scope: Scope) -> Iterator[tuple]:
    lead = aliased(Organization)
    issuer = aliased(Organization)
    statement = (
        select(Challenge.id, Challenge.title, Challenge.state, Challenge.kind, Challenge.field,
               issuer.name, Proposal.id, Proposal.title, lead.name, lead.type, lead.region,
               User.name, Proposal.state, Proposal.requested_fen, Proposal.submitted_at,
               Proposal.eligibility_note, Challenge.pass_mark)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .join(issuer, issuer.id == Challenge.issuer_org_id)
        .join(lead, lead.id == Proposal.lead_org_id)
        .join(User, User.id == Proposal.team_lead_id)
        .where(*_bid_conditions(scope))
        .order_by(Proposal.challenge_id, Proposal.id))
    scores = _scores_by_challenge(scope)
    pending = next(scores, None)
    for challenge_id, bids in groupby(stream(statement), key=lambda r: r[0]):
        while pending is not None and pending[0] < challenge_id:
            pending = next(scores, None)
        found = pending[1] if pending is not None and pending[0] == challenge_id else {}
        for row in bids:
            (cid, title, c_state, kind, field_, issuer_name, pid, p_title, lead_name, lead_type,
             lead_region, team_lead, p_state, requested, submitted, note, pass_mark) = row
            agg, place = found.get(pid, (None, None))
            yield (cid, title, _label(ChallengeState, c_state), _label(ChallengeKind, kind), field_,
                   issuer_name, pid, p_title, lead_name, _label(OrgType, lead_type), lead_region,
                   team_lead, _label(ProposalState, p_state), requested, submitted, note,
                   agg.count if agg else 0, agg.score if agg else None,
                   str(METHOD_LABELS[agg.method]) if agg else "", agg.spread if agg else None,
                   (_("是") if agg.disagreement else _("否")) if agg else "", place, pass_mark,
                   (_("是") if agg.score >= pass_mark else _("否")) if agg else "")


# -- 评审明细: one row per reviewer × bid × criterion ---------------------------------------

REVIEW_COLUMNS = (
    Column(_l("榜编号"), INT, 9), Column(_l("榜单名称"), TEXT, 28), Column(_l("方案编号"), INT, 9),
    Column(_l("方案名称"), TEXT, 28), Column(_l("牵头单位"), TEXT, 24), Column(_l("评审专家"), TEXT, 10),
    Column(_l("专家单位"), TEXT, 24), Column(_l("专家邮箱"), TEXT, 22), Column(_l("评分状态"), TEXT, 8),
    Column(_l("提交时间"), DATETIME, 17), Column(_l("评分项"), TEXT, 24), Column(_l("满分"), INT, 6),
    Column(_l("得分"), INT, 6), Column(_l("该专家总分"), INT, 9), Column(_l("评审意见"), TEXT, 40),
)


def review_rows(scope: Scope) -> Iterator[tuple]:
    lead = aliased(Organization)
    reviewer_org = aliased(Organization)
    statement = (
        select(Challenge.id, Challenge.title, Challenge.rubric, Proposal.id, Proposal.title,
               lead.name, User.name, reviewer_org.name, User.email, Review.state,
               Review.submitted_at, Review.scores, Review.comment)
        .select_from(Review)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .join(Challenge, Challenge.id == Review.challenge_id)
        .join(lead, lead.id == Proposal.lead_org_id)
        .join(User, User.id == Review.reviewer_id)
        .outerjoin(reviewer_org, reviewer_org.id == User.organization_id)
        .where(*scope.challenge_conditions(), *scope.period(Review.submitted_at))
        .order_by(Review.challenge_id, Review.proposal_id, User.name, Review.id))
    rubrics: dict[int, list[dict]] = {}
    for row in stream(statement):
        (cid, title, rubric, pid, p_title, lead_name, reviewer, reviewer_org_name, email, state,
         submitted, scores, comment) = row
        if cid not in rubrics:
            rubrics.clear()  # rows come per 榜: keep one rubric at a time
            rubrics[cid] = rubric_for(SimpleNamespace(rubric=rubric))
        scores = scores or {}
        total = sum(int(v) for v in scores.values())
        for criterion in rubrics[cid]:
            yield (cid, title, pid, p_title, lead_name, reviewer, reviewer_org_name or "", email,
                   _label(ReviewState, state), submitted, criterion["name"], criterion["max"],
                   scores.get(criterion["key"]), total, comment)


# -- 合同 ---------------------------------------------------------------------------------

CONTRACT_COLUMNS = (
    Column(_l("合同编号"), TEXT, 18), Column(_l("榜编号"), INT, 9), Column(_l("榜单名称"), TEXT, 28),
    Column(_l("发榜单位"), TEXT, 24), Column(_l("揭榜单位"), TEXT, 24), Column(_l("资助方式"), TEXT, 12),
    Column(_l("合同状态"), TEXT, 10), Column(_l("合同金额（万元）"), MONEY, 14),
    Column(_l("政府补助比例"), PERCENT, 11), Column(_l("补助上限（万元）"), MONEY, 14),
    Column(_l("政府补助（万元）"), MONEY, 14), Column(_l("开始日期"), DATE, 12),
    Column(_l("签订时间"), DATETIME, 17), Column(_l("结束时间"), DATETIME, 17),
    Column(_l("失败处理"), TEXT, 16), Column(_l("应追回（万元）"), MONEY, 13),
    Column(_l("企业已付（万元）"), MONEY, 14), Column(_l("政府已付（万元）"), MONEY, 14),
    Column(_l("已追回（万元）"), MONEY, 13), Column(_l("里程碑数"), INT, 8),
    Column(_l("已通过里程碑"), INT, 10), Column(_l("说明"), TEXT, 30),
)


def _paid(payer: Payer):
    return func.coalesce(func.sum(case(
        (and_(LedgerEntry.kind.in_(PAID_KINDS), LedgerEntry.payer == payer),
         LedgerEntry.amount_fen), else_=0)), 0)


def contract_rows(scope: Scope) -> Iterator[tuple]:
    issuer = aliased(Organization)
    solver = aliased(Organization)
    money = (select(LedgerEntry.contract_id.label("contract_id"),
                    _paid(Payer.ENTERPRISE).label("enterprise"), _paid(Payer.GOVERNMENT).label("government"),
                    func.coalesce(func.sum(case((LedgerEntry.kind == EntryKind.RECOVERED,
                                                 LedgerEntry.amount_fen), else_=0)), 0).label("recovered"))
             .group_by(LedgerEntry.contract_id).subquery())
    steps = (select(ContractMilestone.contract_id.label("contract_id"),
                    func.count(ContractMilestone.id).label("total"),
                    func.coalesce(func.sum(case((ContractMilestone.state == MilestoneState.APPROVED, 1),
                                                else_=0)), 0).label("approved"))
             .group_by(ContractMilestone.contract_id).subquery())
    statement = (
        select(Contract.number, Challenge.id, Challenge.title, issuer.name, solver.name,
               Contract.funding_mode, Contract.state, Contract.amount_fen, Contract.subsidy_rate_bp,
               Contract.subsidy_cap_fen, Contract.start_on, Contract.signed_at, Contract.ended_at,
               Contract.failure_rule, Contract.recovery_fen, money.c.enterprise, money.c.government,
               money.c.recovered, steps.c.total, steps.c.approved, Contract.end_note)
        .join(Challenge, Challenge.id == Contract.challenge_id)
        .join(issuer, issuer.id == Challenge.issuer_org_id)
        .join(solver, solver.id == Contract.solver_org_id)
        .outerjoin(money, money.c.contract_id == Contract.id)
        .outerjoin(steps, steps.c.contract_id == Contract.id)
        .where(*scope.challenge_conditions(),
               *scope.period(func.coalesce(Contract.signed_at, Contract.created_at)))
        .order_by(Contract.id))
    for row in stream(statement):
        (number, cid, title, issuer_name, solver_name, mode, state, amount, rate, cap, start,
         signed, ended, rule, recovery, ent, gov, recovered, total, approved, note) = row
        subsidy = subsidy_fen(amount, rate, cap)
        yield (number, cid, title, issuer_name, solver_name, _label(FundingMode, mode),
               _label(ContractState, state), amount, rate, cap, subsidy, start, signed, ended,
               _label(FailureRule, rule), recovery or None, ent or 0, gov or 0, recovered or 0,
               total or 0, approved or 0, note)


# -- 合同里程碑 -----------------------------------------------------------------------------

MILESTONE_COLUMNS = (
    Column(_l("合同编号"), TEXT, 18), Column(_l("榜编号"), INT, 9), Column(_l("榜单名称"), TEXT, 28),
    Column(_l("揭榜单位"), TEXT, 24), Column(_l("合同状态"), TEXT, 10), Column(_l("序号"), INT, 6),
    Column(_l("里程碑"), TEXT, 24), Column(_l("交付物"), TEXT, 28), Column(_l("支付比例"), PERCENT, 9),
    Column(_l("到期日"), DATE, 12), Column(_l("状态"), TEXT, 18), Column(_l("已逾期"), TEXT, 7),
    Column(_l("报告时间"), DATETIME, 17), Column(_l("企业确认时间"), DATETIME, 17),
    Column(_l("评审时间"), DATETIME, 17), Column(_l("评审意见"), TEXT, 24),
    Column(_l("已支付（万元）"), MONEY, 13),
)




def milestone_rows(scope: Scope) -> Iterator[tuple]:
    solver = aliased(Organization)
    paid = (select(LedgerEntry.milestone_id.label("milestone_id"),
                   func.sum(LedgerEntry.amount_fen).label("paid"))
            .where(LedgerEntry.kind.in_([EntryKind.PAYMENT, EntryKind.REVERSAL]),
                   LedgerEntry.milestone_id.is_not(None))
            .group_by(LedgerEntry.milestone_id).subquery())
    statement = (
        select(Contract.number, Challenge.id, Challenge.title, solver.name, Contract.state,
               ContractMilestone.position, ContractMilestone.title, ContractMilestone.deliverable,
               ContractMilestone.share_bp, ContractMilestone.due_on, ContractMilestone.state,
               ContractMilestone.reported_at, ContractMilestone.confirmed_at,
               ContractMilestone.reviewed_at, ContractMilestone.review_note, paid.c.paid)
        .join(Contract, Contract.id == ContractMilestone.contract_id)
        .join(Challenge, Challenge.id == Contract.challenge_id)
        .join(solver, solver.id == Contract.solver_org_id)
        .outerjoin(paid, paid.c.milestone_id == ContractMilestone.id)
        .where(*scope.challenge_conditions(), *scope.day_period(ContractMilestone.due_on))
        .order_by(Contract.id, ContractMilestone.position))
    today = local_today()
    for row in stream(statement):
        (number, cid, title, solver_name, c_state, position, m_title, deliverable, share, due,
         m_state, reported, confirmed, reviewed, note, paid_fen) = row
        overdue = (due < today and MilestoneState(m_state) in OVERDUE_STATES
                   and ContractState(c_state) is ContractState.ACTIVE)
        yield (number, cid, title, solver_name, _label(ContractState, c_state), position + 1, m_title,
               deliverable, share, due, _label(MilestoneState, m_state), _("是") if overdue else "",
               reported, confirmed, reviewed, note, paid_fen or 0)


# -- 支付台账 ------------------------------------------------------------------------------

LEDGER_COLUMNS = (
    Column(_l("流水号"), INT, 8), Column(_l("合同编号"), TEXT, 18), Column(_l("榜编号"), INT, 9),
    Column(_l("榜单名称"), TEXT, 28), Column(_l("类型"), TEXT, 10), Column(_l("付款方"), TEXT, 10),
    Column(_l("收款方"), TEXT, 24), Column(_l("金额（万元）"), MONEY, 13), Column(_l("日期"), DATE, 12),
    Column(_l("里程碑"), TEXT, 20), Column(_l("凭证号"), TEXT, 16), Column(_l("说明"), TEXT, 30),
    Column(_l("冲正的流水号"), INT, 10), Column(_l("登记人"), TEXT, 10),
    Column(_l("登记时间"), DATETIME, 17),
)


def ledger_rows(scope: Scope) -> Iterator[tuple]:
    statement = (
        select(LedgerEntry.id, Contract.number, Challenge.id, Challenge.title, LedgerEntry.kind,
               LedgerEntry.payer, LedgerEntry.payee, LedgerEntry.amount_fen, LedgerEntry.paid_on,
               ContractMilestone.title, LedgerEntry.reference, LedgerEntry.reason,
               LedgerEntry.reverses_id, User.name, LedgerEntry.recorded_at)
        .join(Contract, Contract.id == LedgerEntry.contract_id)
        .join(Challenge, Challenge.id == Contract.challenge_id)
        .join(User, User.id == LedgerEntry.recorded_by_id)
        .outerjoin(ContractMilestone, ContractMilestone.id == LedgerEntry.milestone_id)
        .where(*scope.challenge_conditions(), *scope.day_period(LedgerEntry.paid_on))
        .order_by(LedgerEntry.paid_on, LedgerEntry.id))
    for row in stream(statement):
        (eid, number, cid, title, kind, payer, payee, amount, paid_on, milestone, reference, reason,
         reverses, recorder, recorded_at) = row
        yield (eid, number, cid, title, _label(EntryKind, kind), _label(Payer, payer), payee, amount,
               paid_on, milestone or "", reference, reason, reverses, recorder, recorded_at)


# -- 审计日志 ------------------------------------------------------------------------------

AUDIT_COLUMNS = (
    Column(_l("编号"), INT, 9), Column(_l("时间"), DATETIME, 17), Column(_l("操作人"), TEXT, 10),
    Column(_l("操作人邮箱"), TEXT, 22), Column(_l("对象类型"), TEXT, 12), Column(_l("对象编号"), INT, 9),
    Column(_l("操作"), TEXT, 16), Column(_l("原状态"), TEXT, 12), Column(_l("新状态"), TEXT, 12),
    Column(_l("变更内容（原值 → 新值）"), TEXT, 50), Column(_l("理由"), TEXT, 30),
)


def audit_rows(scope: Scope) -> Iterator[tuple]:
    statement = (
        select(AuditEvent.id, AuditEvent.occurred_at, User.name, User.email, AuditEvent.object_type,
               AuditEvent.object_id, AuditEvent.action, AuditEvent.from_state, AuditEvent.to_state,
               AuditEvent.changes, AuditEvent.reason)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(*scope.audit.conditions())
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))
    system = _("系统")
    for row in stream(statement):
        (eid, occurred, actor, email, object_type, object_id, action, before, after, changes,
         reason) = row
        yield (eid, occurred, actor or system, email or "", display.object_label(object_type),
               object_id, display.action_label(object_type, action),
               display.state_label(object_type, before), display.state_label(object_type, after),
               display.changes_text(changes, object_type), reason)


TABLES = {t.name: t for t in (
    Table("challenges", _l("榜单"), "challenges", CHALLENGE_COLUMNS, challenge_rows, _l("创建时间")),
    Table("bids", _l("揭榜方案及评分"), "bids", BID_COLUMNS, bid_rows, _l("方案提交时间")),
    Table("reviews", _l("评审明细"), "reviews", REVIEW_COLUMNS, review_rows, _l("评分提交时间")),
    Table("contracts", _l("合同"), "contracts", CONTRACT_COLUMNS, contract_rows,
          _l("签订时间（未签订的按起草时间）")),
    Table("milestones", _l("合同里程碑"), "milestones", MILESTONE_COLUMNS, milestone_rows, _l("到期日")),
    Table("ledger", _l("支付台账"), "ledger", LEDGER_COLUMNS, ledger_rows, _l("付款日期")),
    Table("audit", _l("审计日志"), "audit-trail", AUDIT_COLUMNS, audit_rows, audit=True),
)}


def notes(table: Table, scope: Scope, count: int, user, when: str) -> list[tuple[str, str]]:
    """The workbook's notes sheet: what, when, by whom, how many rows, with which filters."""
    lines = [(_("内容"), str(table.title)), (_("导出时间"), when),
             (_("导出人"), user.name), (_("行数"), str(count))]
    if table.audit:
        audit = scope.audit
        for label, value in ((_("对象类型"), audit.object_type), (_("对象编号"), audit.object_id),
                             (_("操作人"), audit.actor), (_("操作"), audit.action),
                             (_("开始日期"), audit.start), (_("结束日期"), audit.end)):
            if value:
                lines.append((label, str(value)))
    else:
        lines.extend(scope.description())
        lines.append((_("统计期间按"), str(table.period_basis)))
    lines.append((_("说明"), _("金额单位为万元（显示两位小数，单元格保留精确值）；时间为北京时间。")))
    return lines
