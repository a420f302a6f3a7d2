"""The payments ledger's arithmetic and the funding-mode payment rules, with no database.

Every figure is integer 分 computed from the ledger's lines; nothing is stored as a running
total. `payment_problem` is the single place that decides whether a payment may be recorded,
`advance_problem` whether an advance may.

评估后前置兑现 (advance subsidy): once the contract is signed (which needs the panel's evaluation
final: 公示 over, objections answered), the government may pay part of its subsidy up front, up to
the 榜's advance share of the subsidy, capped (`Terms.advance_limit_fen`), and only while it has
paid nothing against a milestone. The advance counts as paid by the government. Netting: the
milestones' government parts are then the rest of the subsidy (subsidy − advance) allocated by
their shares, so each later milestone payment is smaller by the same proportion and the sum of
advance and milestone parts is the subsidy to the 分. If the contract fails, the advance's part
belonging to milestones not earned (`unearned_advance`) becomes a receivable, whatever the rule.
赛马 teams get no advance: elimination is an expected end there, not a failure.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..money import SHARE_TOTAL, format_wan
from ..states import (
    PAID_KINDS,
    ContractState,
    Diligence,
    EntryKind,
    FailureRule,
    FundingMode,
    MilestoneState,
    Payer,
)


@dataclass(frozen=True)
class Line:
    """One ledger entry as the arithmetic sees it (payments positive, reversals negative)."""

    id: int
    kind: EntryKind
    payer: Payer
    amount_fen: int
    milestone_id: int | None = None
    reverses_id: int | None = None


@dataclass(frozen=True)
class PayRule:
    """What a payment needs under a funding mode."""

    by_milestone: bool        # each payment names a milestone and stays within its share
    after_acceptance: bool    # nothing is paid before the contract passes acceptance
    note: object = ""  # a lazy string: shown in the reader's language


# The funding modes (SPEC §4, §7), as data.
PAY_RULES: dict[FundingMode, PayRule] = {
    FundingMode.REWARD: PayRule(by_milestone=False, after_acceptance=True,
                                note=_l("揭榜奖励：验收通过后兑付榜金")),
    FundingMode.MILESTONE: PayRule(by_milestone=True, after_acceptance=False,
                                   note=_l("里程碑资助：按企业确认的里程碑支付")),
    FundingMode.HORSE_RACE: PayRule(by_milestone=True, after_acceptance=False,
                                    note=_l("赛马：各队按企业确认的里程碑支付，淘汰后不再支付")),
    FundingMode.POST_FUNDING: PayRule(by_milestone=False, after_acceptance=True,
                                      note=_l("事后资助：验收通过后方可支付")),
}
# A milestone is earned (may be paid against) once the enterprise has confirmed it.
EARNED = frozenset({MilestoneState.CONFIRMED, MilestoneState.APPROVED})


def allocate(total_fen: int, shares_bp: Sequence[int]) -> list[int]:
    """Split *total_fen* by basis-point shares so the parts sum exactly to the shares' part of
    the total (largest remainder; ties to the earlier milestone)."""
    if total_fen < 0 or any(s < 0 for s in shares_bp):
        raise ValueError("negative amount or share")
    exact = [total_fen * s for s in shares_bp]
    parts = [e // SHARE_TOTAL for e in exact]
    target = total_fen * sum(shares_bp) // SHARE_TOTAL
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] % SHARE_TOTAL), i))
    for i in order[:target - sum(parts)]:
        parts[i] += 1
    return parts


def net_paid(lines: Iterable[Line], payer: Payer | None = None, milestone_id: int | None = None,
             by_milestone: bool = False) -> int:
    """Payments (advances included) less reversals, optionally for one payer and/or one milestone."""
    return sum(line.amount_fen for line in lines
               if line.kind in PAID_KINDS
               and (payer is None or line.payer is payer)
               and (not by_milestone or line.milestone_id == milestone_id))


@dataclass(frozen=True)
class Milestone:
    id: int
    share_bp: int
    state: MilestoneState


@dataclass(frozen=True)
class Terms:
    """What the ledger is checked against: the contract as it stands now."""

    mode: FundingMode
    state: ContractState
    amount_fen: int          # the enterprise's bounty under this contract
    subsidy_fen: int         # the government's subsidy commitment
    milestones: tuple[Milestone, ...]
    failure_rule: FailureRule | None = None
    recovery_fen: int = 0
    advance_limit_fen: int = 0  # 前置兑现: the 榜's share of the subsidy, capped (0: none)
    diligence: Diligence | None = None  # a failed contract's determination, once made

    def committed(self, payer: Payer) -> int:
        return self.amount_fen if payer is Payer.ENTERPRISE else self.subsidy_fen

    def allocation(self, payer: Payer, advanced: int = 0) -> dict[int, int]:
        """Each milestone's part of the payer's commitment, exact to the 分; the government's
        after an advance of *advanced* is the rest of its subsidy (the advance is netted)."""
        rest = self.committed(payer) - (advanced if payer is Payer.GOVERNMENT else 0)
        parts = allocate(rest, [m.share_bp for m in self.milestones])
        return {m.id: part for m, part in zip(self.milestones, parts, strict=True)}

    def earned(self, payer: Payer, advanced: int = 0) -> int:
        """What the rules make payable so far (paid or not); nothing before signing. An advance
        is earned when paid; the milestones then earn the rest of the subsidy."""
        if self.state is ContractState.DRAFT:
            return 0
        if self.state is ContractState.ACCEPTED:
            return self.committed(payer)
        ahead = advanced if payer is Payer.GOVERNMENT else 0
        if PAY_RULES[self.mode].after_acceptance:
            return ahead
        allocation = self.allocation(payer, advanced)
        return ahead + sum(allocation[m.id] for m in self.milestones if m.state in EARNED)


@dataclass(frozen=True)
class PayerTotals:
    committed: int
    paid: int
    earned: int

    @property
    def due(self) -> int:
        """Payable now and not yet paid."""
        return max(self.earned - self.paid, 0)

    @property
    def remaining(self) -> int:
        return self.committed - self.paid


@dataclass(frozen=True)
class Totals:
    enterprise: PayerTotals
    government: PayerTotals
    receivable: int   # recovery entered after a failure (an unearned advance included)
    recovered: int    # of which has come back
    state: ContractState
    failure_rule: FailureRule | None
    advanced: int = 0  # 前置兑现 paid (part of the government's paid)
    diligence: Diligence | None = None
    compensated: int = 0  # 风险补偿 paid to the enterprise after a diligent failure

    @property
    def paid(self) -> int:
        return self.enterprise.paid + self.government.paid

    @property
    def committed(self) -> int:
        return self.enterprise.committed + self.government.committed

    @property
    def due(self) -> int:
        """Payable now: nothing after a failure (terminated, frozen or being recovered)."""
        if self.state is ContractState.FAILED:
            return 0
        return self.enterprise.due + self.government.due

    @property
    def remaining(self) -> int:
        return self.committed - self.paid

    @property
    def withheld(self) -> int:
        """Earned but unpaid money frozen by a failure under the withhold rule, until the
        determination: a diligent one lets the bureau release it to the solver (each release a
        payment, so what stays withheld shrinks), a negligent one forfeits it (released)."""
        if self.state is ContractState.FAILED and self.failure_rule is FailureRule.WITHHOLD \
                and self.diligence is not Diligence.NEGLIGENT:
            return self.enterprise.due + self.government.due
        return 0

    @property
    def released(self) -> int:
        """Commitments that will not be paid: after elimination everything unpaid except what is
        still due for work confirmed before it, and after a failure everything unpaid except what
        is withheld. (Money already paid is never released, even when its milestone was later
        sent back or cancelled.)"""
        if self.state is ContractState.ELIMINATED:
            return self.remaining - self.due
        if self.state is ContractState.FAILED:
            return self.remaining - self.withheld
        return 0

    @property
    def outstanding_receivable(self) -> int:
        return self.receivable - self.recovered

    def payer(self, payer: Payer) -> PayerTotals:
        return self.enterprise if payer is Payer.ENTERPRISE else self.government

    @property
    def settled(self) -> bool:
        """Everything committed is paid (the condition for 兑现奖励 on an accepted contract)."""
        return self.enterprise.paid == self.enterprise.committed and \
            self.government.paid == self.government.committed


def advanced(lines: Iterable[Line]) -> int:
    """The advance paid (advances are never reversed: a failure turns them into a receivable)."""
    return sum(x.amount_fen for x in lines if x.kind is EntryKind.ADVANCE)


def totals(terms: Terms, lines: Sequence[Line]) -> Totals:
    ahead = advanced(lines)

    def of(payer: Payer) -> PayerTotals:
        return PayerTotals(committed=terms.committed(payer), paid=net_paid(lines, payer),
                           earned=terms.earned(payer, ahead))
    return Totals(
        enterprise=of(Payer.ENTERPRISE), government=of(Payer.GOVERNMENT),
        receivable=sum(x.amount_fen for x in lines if x.kind is EntryKind.RECEIVABLE),
        recovered=sum(x.amount_fen for x in lines if x.kind is EntryKind.RECOVERED),
        state=terms.state, failure_rule=terms.failure_rule, advanced=ahead,
        diligence=terms.diligence, compensated=compensated(lines))


def advance_problem(terms: Terms, lines: Sequence[Line], amount_fen: int) -> str | None:
    """Why this advance (评估后前置兑现) may not be recorded, or None."""
    if amount_fen <= 0:
        return _("前置兑现金额必须大于零。")
    if terms.state is not ContractState.ACTIVE:
        return _("前置兑现只在合同签订后、结束前支付（合同当前为「%(s)s」）。", s=terms.state.label)
    if terms.mode is FundingMode.HORSE_RACE:
        return _("赛马制的榜不前置兑现：淘汰是正常结果，预付的补助无从追回。")
    if terms.advance_limit_fen <= 0:
        return _("本榜未设前置兑现比例，不能前置兑现。")
    if net_paid([x for x in lines if x.kind is not EntryKind.ADVANCE], Payer.GOVERNMENT):
        return _("政府补助已按里程碑支付，不能再前置兑现。")
    ahead = advanced(lines)
    limit = min(terms.advance_limit_fen, terms.subsidy_fen)
    if ahead + amount_fen > limit:
        return _("超出前置兑现额度：本合同最多前置 %(limit)s 万元，已前置 %(paid)s 万元。",
                 limit=format_wan(limit), paid=format_wan(ahead))
    return None


def unearned_advance(terms: Terms, lines: Sequence[Line]) -> int:
    """The advance's part belonging to milestones not earned: what a failed contract owes back
    (all of it where the mode pays only after acceptance).
    The part of an earned milestone is its gross share of the subsidy less its netted share, so
    advance part + milestone payments of earned work never exceed that work's gross share."""
    ahead = advanced(lines)
    if not ahead or PAY_RULES[terms.mode].after_acceptance:
        return ahead  # paid on acceptance only: no milestone earns any of it
    gross = terms.allocation(Payer.GOVERNMENT)
    net = terms.allocation(Payer.GOVERNMENT, ahead)
    kept = sum(gross[m.id] - net[m.id] for m in terms.milestones if m.state in EARNED)
    return ahead - min(max(kept, 0), ahead)


def payment_problem(terms: Terms, lines: Sequence[Line], payer: Payer, amount_fen: int,
                    milestone_id: int | None) -> str | None:
    """Why this payment may not be recorded, or None. The funding-mode rules live here."""
    if amount_fen <= 0:
        return _("付款金额必须大于零。")
    if terms.state is ContractState.DRAFT:
        return _("合同尚未签订，不能付款。")
    if terms.state is ContractState.FAILED:
        if terms.failure_rule is FailureRule.WITHHOLD and terms.diligence is Diligence.DILIGENT:
            return release_problem(terms, lines, payer, amount_fen, milestone_id)
        if terms.failure_rule is FailureRule.WITHHOLD and terms.diligence is Diligence.NEGLIGENT:
            return _("合同经认定失职，暂扣款项不再支付。")
        if terms.failure_rule is FailureRule.WITHHOLD:
            return _("合同已判定失败并暂扣待付款项，不能付款。")
        return _("合同已判定失败（%(rule)s），不能再付款。",
                 rule=terms.failure_rule.label if terms.failure_rule else "—")
    committed = terms.committed(payer)
    if committed == 0:
        return _("本合同没有%(payer)s，不能以此名义付款。", payer=payer.label)
    rule = PAY_RULES[terms.mode]
    if rule.after_acceptance and terms.state is not ContractState.ACCEPTED:
        return _("%(mode)s的榜只在验收通过后付款。", mode=terms.mode.label)
    paid = net_paid(lines, payer)
    ahead = advanced(lines) if payer is Payer.GOVERNMENT else 0
    if paid + amount_fen > committed:
        return _("超出合同额度：%(payer)s共 %(total)s 万元，已付 %(paid)s 万元，最多还能付 %(left)s 万元。",
                 payer=payer.label, total=format_wan(committed), paid=format_wan(paid),
                 left=format_wan(committed - paid))
    if terms.state is ContractState.ELIMINATED and (milestone_id is None or next(
            (m.state for m in terms.milestones if m.id == milestone_id), None) not in EARNED):
        return _("该团队已在赛马中淘汰，只能支付淘汰前已确认的里程碑，其余份额已释放。")
    if rule.by_milestone and terms.state is not ContractState.ACCEPTED:
        if milestone_id is None:
            return _("%(mode)s按里程碑付款，请选择里程碑。", mode=terms.mode.label)
        milestone = next((m for m in terms.milestones if m.id == milestone_id), None)
        if milestone is None:
            return _("所选里程碑不属于本合同。")
        if milestone.state not in EARNED:
            return _("里程碑处于「%(state)s」，须经企业确认后才能付款。", state=milestone.state.label)
    if milestone_id is not None:
        milestone = next((m for m in terms.milestones if m.id == milestone_id), None)
        if milestone is None:
            return _("所选里程碑不属于本合同。")
        if milestone.state is MilestoneState.CANCELLED:
            return _("里程碑已取消，不能付款。")
        share = terms.allocation(payer, ahead)[milestone_id]
        paid_here = net_paid(lines, payer, milestone_id, by_milestone=True)
        if paid_here + amount_fen > share:
            return _("超出该里程碑份额：%(payer)s在此里程碑共 %(share)s 万元，已付 %(paid)s 万元。",
                     payer=payer.label, share=format_wan(share), paid=format_wan(paid_here))
    return None


def release_problem(terms: Terms, lines: Sequence[Line], payer: Payer, amount_fen: int,
                    milestone_id: int | None) -> str | None:
    """暂扣 money released after a diligent determination: a payment against a milestone the
    enterprise confirmed before the failure, within its share and within what is withheld.
    After an advance the government's shares are those netted of it, as for any payment."""
    milestone = next((m for m in terms.milestones if m.id == milestone_id), None)
    if milestone is None or milestone.state not in EARNED:
        return _("放行暂扣款须选择失败前已确认的里程碑。")
    ahead = advanced(lines) if payer is Payer.GOVERNMENT else 0
    share = terms.allocation(payer, ahead)[milestone.id]
    earned = terms.earned(payer, ahead)
    paid_here = net_paid(lines, payer, milestone.id, by_milestone=True)
    paid = net_paid(lines, payer)
    if paid_here + amount_fen > share or paid + amount_fen > earned:
        return _("超出暂扣金额：%(payer)s在此里程碑暂扣 %(left)s 万元。", payer=payer.label,
                 left=format_wan(max(min(share - paid_here, earned - paid), 0)))
    return None


def compensated(lines: Iterable[Line]) -> int:
    return sum(x.amount_fen for x in lines if x.kind is EntryKind.COMPENSATION)


def compensation_limit(verified_fen: int, share_bp: int, cap_fen: int, elsewhere_fen: int) -> int:
    """The most one failed contract may be compensated in all: the configured share of the
    enterprise's verified R&D spend (rounded down to the 分), within what the 榜's cap leaves
    after its other contracts' compensation."""
    return max(0, min(verified_fen * share_bp // SHARE_TOTAL, cap_fen - elsewhere_fen))


def compensation_problem(terms: Terms, lines: Sequence[Line], limit_fen: int,
                         amount_fen: int) -> str | None:
    """Why this 风险补偿 may not be recorded, or None."""
    if amount_fen <= 0:
        return _("补偿金额必须大于零。")
    if terms.state is not ContractState.FAILED:
        return _("只有判定失败的合同才能给予风险补偿。")
    if terms.diligence is not Diligence.DILIGENT:
        return _("只有经认定尽职的失败合同才能给予风险补偿。")
    done = compensated(lines)
    if done + amount_fen > limit_fen:
        return _("超出可补偿金额：最多 %(limit)s 万元，已补偿 %(done)s 万元。",
                 limit=format_wan(limit_fen), done=format_wan(done))
    return None


def reversal_problem(lines: Sequence[Line], entry_id: int) -> str | None:
    entry = next((x for x in lines if x.id == entry_id), None)
    if entry is None or entry.kind is not EntryKind.PAYMENT:
        return _("只能冲正付款记录。")
    if any(x.reverses_id == entry_id for x in lines):
        return _("这笔付款已冲正过。")
    return None


def recovery_problem(paid_fen: int, recovery_fen: int) -> str | None:
    if recovery_fen <= 0:
        return _("追回金额必须大于零。")
    if recovery_fen > paid_fen:
        return _("追回金额不能超过已付金额 %(paid)s 万元。", paid=format_wan(paid_fen))
    return None


def recovered_problem(totals_: Totals, amount_fen: int) -> str | None:
    if amount_fen <= 0:
        return _("到账金额必须大于零。")
    if amount_fen > totals_.outstanding_receivable:
        return _("到账金额超过尚未追回的 %(left)s 万元。",
                 left=format_wan(totals_.outstanding_receivable))
    return None
