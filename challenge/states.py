"""States, roles and the allowed transitions, as data you can read top to bottom.

`challenge.workflow.perform` is the one door that applies these tables.
"""

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class LabelledEnum(StrEnum):
    """A string enum whose members carry a translatable Chinese label."""

    @property
    def label(self) -> str:
        return str(LABELS[type(self)][self])

    @property
    def tone(self) -> str:
        """How the state looks on a badge (templates/_macros/ui.html state_badge)."""
        return TONES.get(type(self), {}).get(self, NEUTRAL)

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        """(value, lazy label) pairs, translated when rendered."""
        return [(m.value, LABELS[cls][m]) for m in cls]


class Role(LabelledEnum):
    ENTERPRISE = "enterprise"
    SOLVER = "solver"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    BODY = "body"  # 第三方专业机构: appointed by the bureau to a 榜 (challenge/bodies)


class OrgType(LabelledEnum):
    ENTERPRISE = "enterprise"
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    OTHER = "other"


class ChallengeKind(LabelledEnum):
    CHOKEPOINT = "chokepoint"
    IMPORT_SUBSTITUTION = "import_substitution"
    INDUSTRY_SHORTAGE = "industry_shortage"
    OTHER = "other"


class FundingMode(LabelledEnum):
    REWARD = "reward"
    MILESTONE = "milestone"
    HORSE_RACE = "horse_race"
    POST_FUNDING = "post_funding"


class Confidentiality(LabelledEnum):
    PUBLIC = "public"
    DESENSITIZED = "desensitized"
    DIRECTED = "directed"


class ChallengeState(LabelledEnum):
    DRAFT = "draft"
    SCREENING = "screening"
    OPEN = "open"
    REVIEWING = "reviewing"
    PUBLICITY = "publicity"
    CONTRACTED = "contracted"
    ACCEPTED = "accepted"
    AWARDED = "awarded"
    CLOSED = "closed"
    UNCLAIMED = "unclaimed"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"


class ProposalState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    WITHDRAWN = "withdrawn"


class ReviewState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ObjectionState(LabelledEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class PanelSeatState(LabelledEnum):
    ASSIGNED = "assigned"
    DECLINED = "declined"


class AccessState(LabelledEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    REFUSED = "refused"


class ContractState(LabelledEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ACCEPTED = "accepted"
    ELIMINATED = "eliminated"
    FAILED = "failed"


class MilestoneState(LabelledEnum):
    PENDING = "pending"
    REPORTED = "reported"
    RETURNED = "returned"
    CONFIRMED = "confirmed"
    APPROVED = "approved"
    CANCELLED = "cancelled"


class AcceptanceState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIGNED_OFF = "signed_off"
    PASSED = "passed"
    FAILED = "failed"


class FailureRule(LabelledEnum):
    """What happens to the money when a contract fails (SPEC §7)."""

    TERMINATE = "terminate"
    WITHHOLD = "withhold"
    RECOVER = "recover"


class RunnerUpTrigger(LabelledEnum):
    """Why a winner is replaced by the runner-up (递补, issue 15 item 5)."""

    DECLINED = "declined"            # the winner declines the award
    DUE_DILIGENCE = "due_diligence"  # the winner fails the bureau's due diligence
    NOT_SIGNED = "not_signed"        # no signed contract within RUNNER_UP_SIGN_DAYS after 公示


class Payer(LabelledEnum):
    ENTERPRISE = "enterprise"
    GOVERNMENT = "government"


class EntryKind(LabelledEnum):
    """A line of the payments ledger."""

    PAYMENT = "payment"
    REVERSAL = "reversal"
    RECEIVABLE = "receivable"
    RECOVERED = "recovered"
    ADVANCE = "advance"  # 评估后前置兑现: part of the subsidy paid after signing, before milestones
    COMPENSATION = "compensation"  # 风险补偿: the government to the enterprise after a diligent failure


# Lines that are money paid out (an advance is paid money; receivables, recoveries and 风险补偿 —
# a grant to the enterprise, not a payment under the contract — are not).
PAID_KINDS = (EntryKind.PAYMENT, EntryKind.REVERSAL, EntryKind.ADVANCE)


class Diligence(LabelledEnum):
    """A failed contract's determination (尽职免责, SPEC §14)."""

    DILIGENT = "diligent"
    NEGLIGENT = "negligent"


class DeterminedBy(LabelledEnum):
    """Who made a diligence determination (the bureau records it for them)."""

    EXPERT_GROUP = "expert_group"
    THIRD_PARTY = "third_party"


class IntegrityGrade(LabelledEnum):
    """The grade of an integrity (失信) finding."""

    GENERAL = "general"
    SERIOUS = "serious"


class BodyPurpose(LabelledEnum):
    """What the bureau appoints a third-party professional body (专业机构) to a 榜 for."""

    SCREENING = "screening"
    ACCEPTANCE = "acceptance"
    EVALUATION = "evaluation"


class FindingSource(LabelledEnum):
    """Who reached a finding: an appointed body (it records it), or an expert panel (the bureau
    records the panel's finding for it)."""

    BODY = "body"
    PANEL = "panel"


class FindingState(LabelledEnum):
    SUBMITTED = "submitted"
    ADOPTED = "adopted"
    OVERRIDDEN = "overridden"


class OrgState(LabelledEnum):
    """An organisation's verification by the bureau (SPEC §2)."""

    PENDING = "pending"
    VERIFIED = "verified"
    RETURNED = "returned"


class JoinState(LabelledEnum):
    """A person's request to join an organisation."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class WorkKind(LabelledEnum):
    """The kind of an expert's representative result."""

    PAPER = "paper"
    PATENT = "patent"
    PROJECT = "project"
    OTHER = "other"


# Badge tones, one per state; templates/_macros/ui.html maps each tone to its colour once.
NEUTRAL, INFO, ACTIVE, SUCCESS, WARNING, DANGER, CLOSED = (
    "neutral", "info", "active", "success", "warning", "danger", "closed")
TONES: dict[type, dict] = {
    ChallengeState: {
        ChallengeState.DRAFT: NEUTRAL, ChallengeState.SCREENING: WARNING, ChallengeState.OPEN: SUCCESS,
        ChallengeState.REVIEWING: ACTIVE, ChallengeState.PUBLICITY: INFO,
        ChallengeState.CONTRACTED: ACTIVE, ChallengeState.ACCEPTED: SUCCESS,
        ChallengeState.AWARDED: SUCCESS, ChallengeState.CLOSED: CLOSED,
        ChallengeState.UNCLAIMED: DANGER, ChallengeState.WITHDRAWN: NEUTRAL,
        ChallengeState.FAILED: DANGER,
    },
    ProposalState: {
        ProposalState.DRAFT: NEUTRAL, ProposalState.SUBMITTED: INFO, ProposalState.QUALIFIED: ACTIVE,
        ProposalState.DISQUALIFIED: DANGER, ProposalState.SELECTED: SUCCESS,
        ProposalState.NOT_SELECTED: NEUTRAL, ProposalState.WITHDRAWN: NEUTRAL,
    },
    ReviewState: {ReviewState.DRAFT: WARNING, ReviewState.SUBMITTED: SUCCESS},
    ObjectionState: {ObjectionState.OPEN: WARNING, ObjectionState.UPHELD: DANGER,
                     ObjectionState.DISMISSED: NEUTRAL},
    PanelSeatState: {PanelSeatState.ASSIGNED: ACTIVE, PanelSeatState.DECLINED: NEUTRAL},
    AccessState: {AccessState.REQUESTED: WARNING, AccessState.GRANTED: SUCCESS,
                  AccessState.REFUSED: DANGER},
    ContractState: {
        ContractState.DRAFT: NEUTRAL, ContractState.ACTIVE: ACTIVE, ContractState.ACCEPTED: SUCCESS,
        ContractState.ELIMINATED: WARNING, ContractState.FAILED: DANGER,
    },
    MilestoneState: {
        MilestoneState.PENDING: NEUTRAL, MilestoneState.REPORTED: INFO,
        MilestoneState.RETURNED: WARNING, MilestoneState.CONFIRMED: ACTIVE,
        MilestoneState.APPROVED: SUCCESS, MilestoneState.CANCELLED: CLOSED,
    },
    AcceptanceState: {
        AcceptanceState.DRAFT: NEUTRAL, AcceptanceState.SUBMITTED: INFO,
        AcceptanceState.SIGNED_OFF: ACTIVE, AcceptanceState.PASSED: SUCCESS,
        AcceptanceState.FAILED: DANGER,
    },
    OrgState: {OrgState.PENDING: WARNING, OrgState.VERIFIED: SUCCESS, OrgState.RETURNED: WARNING},
    JoinState: {JoinState.PENDING: WARNING, JoinState.APPROVED: SUCCESS, JoinState.REFUSED: DANGER},
    FindingState: {FindingState.SUBMITTED: WARNING, FindingState.ADOPTED: SUCCESS,
                   FindingState.OVERRIDDEN: DANGER},
}

# Labels per enum class: equal values in different enums (Role.ENTERPRISE and
# OrgType.ENTERPRISE are both 'enterprise') must not share one dictionary.
LABELS: dict[type, dict] = {
    Role: {
        Role.ENTERPRISE: _l("发榜方（企业）"),
        Role.SOLVER: _l("揭榜方"),
        Role.REVIEWER: _l("评审专家"),
        Role.ADMIN: _l("管理员"),
        Role.BODY: _l("专业机构"),
    },
    BodyPurpose: {
        BodyPurpose.SCREENING: _l("初审意见"),
        BodyPurpose.ACCEPTANCE: _l("验收测试"),
        BodyPurpose.EVALUATION: _l("绩效评价"),
    },
    FindingSource: {
        FindingSource.BODY: _l("专业机构"),
        FindingSource.PANEL: _l("专家组"),
    },
    FindingState: {
        FindingState.SUBMITTED: _l("待科技局认定"),
        FindingState.ADOPTED: _l("已采纳"),
        FindingState.OVERRIDDEN: _l("未采纳（已改判）"),
    },
    OrgType: {
        OrgType.ENTERPRISE: _l("企业"),
        OrgType.UNIVERSITY: _l("高校"),
        OrgType.INSTITUTE: _l("科研院所"),
        OrgType.OTHER: _l("其他"),
    },
    ChallengeKind: {
        ChallengeKind.CHOKEPOINT: _l("卡脖子技术"),
        ChallengeKind.IMPORT_SUBSTITUTION: _l("进口替代技术"),
        ChallengeKind.INDUSTRY_SHORTAGE: _l("产业短缺技术"),
        ChallengeKind.OTHER: _l("其他"),
    },
    FundingMode: {
        FundingMode.REWARD: _l("揭榜奖励"),
        FundingMode.MILESTONE: _l("里程碑资助"),
        FundingMode.HORSE_RACE: _l("赛马"),
        FundingMode.POST_FUNDING: _l("事后资助"),
    },
    Confidentiality: {
        Confidentiality.PUBLIC: _l("公开"),
        Confidentiality.DESENSITIZED: _l("脱敏"),
        Confidentiality.DIRECTED: _l("定向"),
    },
    ChallengeState: {
        ChallengeState.DRAFT: _l("草稿"),
        ChallengeState.SCREENING: _l("待审核"),
        ChallengeState.OPEN: _l("揭榜中"),
        ChallengeState.REVIEWING: _l("评审中"),
        ChallengeState.PUBLICITY: _l("公示中"),
        ChallengeState.CONTRACTED: _l("已签约"),
        ChallengeState.ACCEPTED: _l("已验收"),
        ChallengeState.AWARDED: _l("已奖励"),
        ChallengeState.CLOSED: _l("已结榜"),
        ChallengeState.UNCLAIMED: _l("流榜"),
        ChallengeState.WITHDRAWN: _l("已撤榜"),
        ChallengeState.FAILED: _l("攻关失败"),
    },
    ProposalState: {
        ProposalState.DRAFT: _l("草稿"),
        ProposalState.SUBMITTED: _l("已提交"),
        ProposalState.QUALIFIED: _l("资格合格"),
        ProposalState.DISQUALIFIED: _l("资格不合格"),
        ProposalState.SELECTED: _l("入选"),
        ProposalState.NOT_SELECTED: _l("未入选"),
        ProposalState.WITHDRAWN: _l("已撤回"),
    },
    ReviewState: {
        ReviewState.DRAFT: _l("草稿"),
        ReviewState.SUBMITTED: _l("已提交"),
    },
    ObjectionState: {
        ObjectionState.OPEN: _l("待处理"),
        ObjectionState.UPHELD: _l("异议成立"),
        ObjectionState.DISMISSED: _l("已驳回"),
    },
    PanelSeatState: {
        PanelSeatState.ASSIGNED: _l("已分配"),
        PanelSeatState.DECLINED: _l("已回避"),
    },
    AccessState: {
        AccessState.REQUESTED: _l("待处理"),
        AccessState.GRANTED: _l("已授权"),
        AccessState.REFUSED: _l("已拒绝"),
    },
    ContractState: {
        ContractState.DRAFT: _l("待签约"),
        ContractState.ACTIVE: _l("执行中"),
        ContractState.ACCEPTED: _l("验收通过"),
        ContractState.ELIMINATED: _l("已淘汰"),
        ContractState.FAILED: _l("攻关失败"),
    },
    MilestoneState: {
        MilestoneState.PENDING: _l("未到期/待报告"),
        MilestoneState.REPORTED: _l("已报告，待企业确认"),
        MilestoneState.RETURNED: _l("已退回修改"),
        MilestoneState.CONFIRMED: _l("企业已确认，待评审"),
        MilestoneState.APPROVED: _l("评审通过"),
        MilestoneState.CANCELLED: _l("已取消"),
    },
    AcceptanceState: {
        AcceptanceState.DRAFT: _l("填写中"),
        AcceptanceState.SUBMITTED: _l("已提交，待企业签认"),
        AcceptanceState.SIGNED_OFF: _l("企业已签认，待科技局认定"),
        AcceptanceState.PASSED: _l("验收通过"),
        AcceptanceState.FAILED: _l("验收不通过"),
    },
    FailureRule: {
        FailureRule.TERMINATE: _l("终止（不再支付）"),
        FailureRule.WITHHOLD: _l("暂扣（冻结待付款项）"),
        FailureRule.RECOVER: _l("追回（登记应收款）"),
    },
    RunnerUpTrigger: {
        RunnerUpTrigger.DECLINED: _l("入选方放弃"),
        RunnerUpTrigger.DUE_DILIGENCE: _l("尽职调查未通过"),
        RunnerUpTrigger.NOT_SIGNED: _l("逾期未签约"),
    },
    Payer: {
        Payer.ENTERPRISE: _l("企业榜金"),
        Payer.GOVERNMENT: _l("政府补助"),
    },
    EntryKind: {
        EntryKind.PAYMENT: _l("支付"),
        EntryKind.REVERSAL: _l("冲正"),
        EntryKind.RECEIVABLE: _l("应收追回款"),
        EntryKind.RECOVERED: _l("追回到账"),
        EntryKind.ADVANCE: _l("前置兑现"),
        EntryKind.COMPENSATION: _l("风险补偿"),
    },
    Diligence: {
        Diligence.DILIGENT: _l("尽职"),
        Diligence.NEGLIGENT: _l("失职"),
    },
    DeterminedBy: {
        DeterminedBy.EXPERT_GROUP: _l("专家组"),
        DeterminedBy.THIRD_PARTY: _l("第三方专业机构"),
    },
    IntegrityGrade: {
        IntegrityGrade.GENERAL: _l("一般失信"),
        IntegrityGrade.SERIOUS: _l("严重失信"),
    },
    OrgState: {
        OrgState.PENDING: _l("待认证"),
        OrgState.VERIFIED: _l("已认证"),
        OrgState.RETURNED: _l("认证退回"),
    },
    JoinState: {
        JoinState.PENDING: _l("待审核"),
        JoinState.APPROVED: _l("已同意"),
        JoinState.REFUSED: _l("已拒绝"),
    },
    WorkKind: {
        WorkKind.PAPER: _l("论文"),
        WorkKind.PATENT: _l("专利"),
        WorkKind.PROJECT: _l("项目"),
        WorkKind.OTHER: _l("其他"),
    },
}

# The system clock acts as an actor too (deadlines passing).
SYSTEM = "system"

CS = ChallengeState
PRE_CONTRACT = frozenset({CS.DRAFT, CS.SCREENING, CS.OPEN, CS.REVIEWING, CS.PUBLICITY, CS.UNCLAIMED})
# Visible in the public hall (public face only); drafts, screening and withdrawn 榜 are not.
PUBLIC_STATES = frozenset({CS.OPEN, CS.REVIEWING, CS.PUBLICITY, CS.CONTRACTED, CS.ACCEPTED,
                           CS.AWARDED, CS.CLOSED, CS.UNCLAIMED, CS.FAILED})
# A decision has been announced (公示) and its results page is public from then on.
RESULT_STATES = frozenset({CS.PUBLICITY, CS.CONTRACTED, CS.ACCEPTED, CS.AWARDED, CS.CLOSED,
                           CS.FAILED})
# The enterprise may change its own text only while the 榜 is a draft.
EDITABLE_BY_ISSUER = frozenset({CS.DRAFT})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: StrEnum
    actors: frozenset  # Role members and/or SYSTEM
    needs_reason: bool = False
    label: str = ""


def T(action, sources, target, actors, needs_reason=False, label=""):
    return Transition(action, frozenset(sources), target, frozenset(actors), needs_reason, label)


E, A = Role.ENTERPRISE, Role.ADMIN

CHALLENGE_TRANSITIONS: tuple[Transition, ...] = (
    #  action       from                         to              who            reason
    T("submit",    {CS.DRAFT},                   CS.SCREENING,   {E},           False, _l("提交审核")),
    T("return",    {CS.SCREENING},               CS.DRAFT,       {A},           True,  _l("退回修改")),
    T("publish",   {CS.SCREENING},               CS.OPEN,        {A},           False, _l("发布")),
    T("close",     {CS.OPEN},                    CS.REVIEWING,   {A, SYSTEM},   False, _l("截止揭榜")),
    T("unclaim",   {CS.REVIEWING},               CS.UNCLAIMED,   {A},           True,  _l("流榜")),
    T("republish", {CS.UNCLAIMED},               CS.OPEN,        {A},           False, _l("重新发布")),
    T("decide",    {CS.REVIEWING},               CS.PUBLICITY,   {A},           True,  _l("确定揭榜方")),
    T("reopen",    {CS.PUBLICITY},               CS.REVIEWING,   {A},           True,  _l("重新评定")),
    T("contract",  {CS.PUBLICITY},               CS.CONTRACTED,  {A},           False, _l("签约")),
    T("accept",    {CS.CONTRACTED},              CS.ACCEPTED,    {A},           False, _l("验收通过")),
    T("award",     {CS.ACCEPTED},                CS.AWARDED,     {A},           False, _l("兑现奖励")),
    T("finish",    {CS.AWARDED},                 CS.CLOSED,      {A},           False, _l("结榜")),
    T("fail",      {CS.PUBLICITY, CS.CONTRACTED}, CS.FAILED,     {A},           True,  _l("判定失败")),
    T("withdraw",  PRE_CONTRACT,                 CS.WITHDRAWN,   {E, A},        True,  _l("撤榜")),
)

AS = AccessState
ACCESS_TRANSITIONS: tuple[Transition, ...] = (
    T("grant",     {AS.REQUESTED, AS.REFUSED},   AS.GRANTED,     {E, A},        False, _l("同意查阅")),
    T("refuse",    {AS.REQUESTED},               AS.REFUSED,     {E, A},        True,  _l("拒绝查阅")),
    T("revoke",    {AS.GRANTED},                 AS.REFUSED,     {E, A},        True,  _l("撤销授权")),
)

S, PR = Role.SOLVER, ProposalState
PROPOSAL_TRANSITIONS: tuple[Transition, ...] = (
    #  action         from                                     to                who     reason
    T("submit",       {PR.DRAFT},                              PR.SUBMITTED,     {S},    False, _l("提交方案")),
    T("resubmit",     {PR.SUBMITTED},                          PR.SUBMITTED,     {S},    False, _l("重新提交")),
    T("withdraw",     {PR.DRAFT, PR.SUBMITTED},                PR.WITHDRAWN,     {S},    True,  _l("撤回方案")),
    T("qualify",      {PR.SUBMITTED, PR.DISQUALIFIED},         PR.QUALIFIED,     {A},    False, _l("资格合格")),
    T("disqualify",   {PR.SUBMITTED, PR.QUALIFIED},            PR.DISQUALIFIED,  {A},    True,  _l("资格不合格")),
    T("select",       {PR.QUALIFIED},                          PR.SELECTED,      {A},    True,  _l("确定入选")),
    T("reject",       {PR.QUALIFIED},                          PR.NOT_SELECTED,  {A},    True,  _l("未入选")),
    T("reconsider",   {PR.SELECTED, PR.NOT_SELECTED},          PR.QUALIFIED,     {A},    True,  _l("重新评定")),
    # 递补: a winner who declines, fails due diligence or does not sign is dropped, and the next
    # bid at or above the pass mark promoted with its own 公示 (awarding/runner_up.py)
    T("drop",         {PR.SELECTED},                           PR.NOT_SELECTED,  {A},    True,  _l("取消入选")),
    T("promote",      {PR.NOT_SELECTED},                       PR.SELECTED,      {A},    True,  _l("递补入选")),
)
# A bid counts while it is in one of these (one per 榜 per lead organization).
LIVE_PROPOSAL_STATES = frozenset(PR) - {PR.WITHDRAWN}

RS, OS = ReviewState, ObjectionState
REVIEW_TRANSITIONS: tuple[Transition, ...] = (
    T("submit",    {RS.DRAFT},                   RS.SUBMITTED,   {Role.REVIEWER},    False, _l("提交评分")),
)
OBJECTION_TRANSITIONS: tuple[Transition, ...] = (
    T("uphold",    {OS.OPEN},                    OS.UPHELD,      {A},                True,  _l("异议成立")),
    T("dismiss",   {OS.OPEN},                    OS.DISMISSED,   {A},                True,  _l("驳回异议")),
)

K, M, AC = ContractState, MilestoneState, AcceptanceState
CONTRACT_TRANSITIONS: tuple[Transition, ...] = (
    T("sign",      {K.DRAFT},                    K.ACTIVE,       {A},           False, _l("签订合同")),
    T("accept",    {K.ACTIVE},                   K.ACCEPTED,     {A},           False, _l("验收通过")),
    T("eliminate", {K.ACTIVE},                   K.ELIMINATED,   {A},           True,  _l("赛马淘汰")),
    T("fail",      {K.DRAFT, K.ACTIVE},          K.FAILED,       {A},           True,  _l("判定失败")),
)
MILESTONE_TRANSITIONS: tuple[Transition, ...] = (
    T("report",    {M.PENDING, M.RETURNED},      M.REPORTED,     {S},           False, _l("提交里程碑报告")),
    T("confirm",   {M.REPORTED},                 M.CONFIRMED,    {E},           False, _l("确认里程碑")),
    T("send_back", {M.REPORTED},                 M.RETURNED,     {E},           True,  _l("退回里程碑报告")),
    T("approve",   {M.CONFIRMED},                M.APPROVED,     {A},           False, _l("评审通过")),
    T("rework",    {M.CONFIRMED},                M.RETURNED,     {A},           True,  _l("评审不通过")),
    T("cancel",    {M.PENDING, M.REPORTED, M.RETURNED, M.CONFIRMED},
                                                 M.CANCELLED,    {A},           True,  _l("取消里程碑")),
)
ACCEPTANCE_TRANSITIONS: tuple[Transition, ...] = (
    T("submit",    {AC.DRAFT},                   AC.SUBMITTED,   {S},           False, _l("提交验收申请")),
    T("send_back", {AC.SUBMITTED},               AC.DRAFT,       {E},           True,  _l("退回验收材料")),
    T("sign_off",  {AC.SUBMITTED},               AC.SIGNED_OFF,  {E},           False, _l("企业签认")),
    T("pass",      {AC.SIGNED_OFF},              AC.PASSED,      {A},           False, _l("验收通过")),
    T("reject",    {AC.SIGNED_OFF},              AC.FAILED,      {A},           True,  _l("验收不通过")),
    T("reopen",    {AC.FAILED},                  AC.DRAFT,       {A},           True,  _l("整改后重新验收")),
)

PS = PanelSeatState
PANEL_TRANSITIONS: tuple[Transition, ...] = (
    T("decline",   {PS.ASSIGNED},                PS.DECLINED,    {Role.REVIEWER, A}, True, _l("声明回避")),
)

# An organisation is verified by the bureau; its org admin (an enterprise or solver account
# flagged User.org_admin) answers join requests, and so may the bureau.
OS_, JS = OrgState, JoinState
ORG_TRANSITIONS: tuple[Transition, ...] = (
    T("verify",    {OS_.PENDING},                OS_.VERIFIED,   {A},           False, _l("认证通过")),
    T("return",    {OS_.PENDING},                OS_.RETURNED,   {A},           True,  _l("退回认证")),
    T("resubmit",  {OS_.RETURNED},               OS_.PENDING,    {E, S},        False, _l("重新提交认证")),
)
JOIN_TRANSITIONS: tuple[Transition, ...] = (
    T("approve",   {JS.PENDING},                 JS.APPROVED,    {E, S, A},     False, _l("同意加入")),
    T("refuse",    {JS.PENDING},                 JS.REFUSED,     {E, S, A, SYSTEM}, True, _l("拒绝加入")),
)

# A third-party body's (or an expert panel's) finding: the bureau adopts it, or overrides it
# with a reason and its own conclusion (challenge/bodies).
FS = FindingState
FINDING_TRANSITIONS: tuple[Transition, ...] = (
    T("adopt",     {FS.SUBMITTED},               FS.ADOPTED,     {A},           False, _l("采纳意见")),
    T("override",  {FS.SUBMITTED},               FS.OVERRIDDEN,  {A},           True,  _l("不采纳并改判")),
)


# Every kind of object the platform audits, as the audit trail names it.
OBJECT_LABELS = {
    "challenge": _l("榜"), "proposal": _l("揭榜方案"), "access_grant": _l("保密内容查阅"),
    "invitation": _l("定向邀请"), "question": _l("提问答疑"), "review_assignment": _l("评审席位"),
    "review": _l("评分"), "objection": _l("异议"), "contract": _l("合同"),
    "milestone": _l("合同里程碑"), "acceptance": _l("验收"), "user": _l("账号"),
    "expert_profile": _l("专家档案"), "expert_import": _l("专家库导入"), "export": _l("数据导出"),
    "organization": _l("单位"), "join_request": _l("加入单位申请"),
    "body_appointment": _l("专业机构委托"), "finding": _l("专业意见"),
}
# Audit actions that are not transitions (audit_trail.display.action_label reads all of these).
EVENT_LABELS = {
    "create": _l("创建草稿"), "edit": _l("修改内容"), "request": _l("申请查阅"),
    "accept_undertaking": _l("签署保密承诺"), "invite": _l("邀请揭榜方"), "register": _l("注册账号"),
    "create_account": _l("创建账号"), "change_password": _l("修改密码"), "activate": _l("启用账号"),
    "deactivate": _l("停用账号"), "assign": _l("分配评审专家"), "set_panel_size": _l("设定评审人数"),
    "attach": _l("上传附件"), "detach": _l("删除附件"), "score": _l("保存评分"),
    "file": _l("提出异议"), "set_rubric": _l("设定评分细则"), "ask": _l("提问"),
    "answer": _l("回复提问"), "edit_answer": _l("修改回复"),
    "draft_contract": _l("起草合同"), "edit_contract": _l("修改合同"), "pay": _l("登记付款"),
    "reverse": _l("冲正付款"), "receivable": _l("登记应收追回款"), "recovered": _l("追回款到账"),
    "save_acceptance": _l("填写验收材料"), "overdue": _l("里程碑逾期提醒"),
    "register_org": _l("登记单位"), "upload_licence": _l("上传证照"), "request_join": _l("申请加入单位"),
    "invite_member": _l("邀请成员"), "accept_invitation": _l("接受邀请加入"),
    "revoke_invitation": _l("撤销邀请"), "remove_member": _l("移除成员"),
    "hand_over_admin": _l("移交单位管理员"),
    "import": _l("导入专家库"), "export": _l("导出数据"),
    "sign_pledge": _l("签署评审承诺书"), "set_blind_review": _l("设定盲评"),
    "conflict_check": _l("回避审查"),
}
# Where one kind of object words an event its own way.
OBJECT_EVENT_LABELS = {
    "expert_profile": {"edit": _l("修改档案"), "activate": _l("恢复入库"), "deactivate": _l("停用")},
    # 失信 records (challenge/integrity): a professional body's finding is "record_finding" too
    "integrity_record": {
        "record_finding": _l("记录失信行为"), "object": _l("对失信记录提出异议"),
        "answer_objection": _l("答复失信异议"), "publish": _l("公示失信记录"),
        "unpublish": _l("撤下失信记录公示"),
    },
}
# Account events (challenge/auth).
EVENT_LABELS.update({
    "accept_terms": _l("同意用户协议"), "confirm_email": _l("确认邮箱"),
    "request_password_reset": _l("申请重设密码"), "reset_password": _l("重设密码"),
    "enable_2fa": _l("开启两步验证"), "disable_2fa": _l("关闭两步验证"),
    "use_recovery_code": _l("使用恢复码登录"), "renew_recovery_codes": _l("更换恢复码"),
    "login_throttled": _l("登录失败过多被暂停"),
    "rotate_totp_key": _l("重新加密两步验证密钥"),
})
# 评估后前置兑现 (issue 15 item 3).
EVENT_LABELS.update({"advance": _l("前置兑现补助"), "advance_terms": _l("设置前置兑现")})
# A panel seated by random draw (challenge/reviewing/draw.py).
EVENT_LABELS.update({"draw": _l("随机抽取评审专家")})
# Review integrity (challenge/reviewing/anomalies.py, evidence.py).
EVENT_LABELS.update({
    "acknowledge_flag": _l("确认评分异常提示"), "evidence_pack": _l("生成廉洁评审证据包"),
})
# A panel's due date, the reminders and the bureau's rating of reviewers (reviewing/deadlines.py,
# reviewing/ratings.py).
OBJECT_LABELS["reviewer_rating"] = _l("评审专家评价")
EVENT_LABELS.update({
    "set_review_due": _l("设定评审截止日期"), "remind": _l("评审截止提醒"), "rate": _l("评价评审专家"),
})
# The need-structuring assistant's record at submission, the readiness score at publication.
EVENT_LABELS.update({"assistant": _l("记录需求凝练建议"), "readiness": _l("评估揭榜准备度")})
# After a failure: the determination, 风险补偿, 失信 records (awarding/diligence.py, integrity/).
OBJECT_LABELS["integrity_record"] = _l("失信记录")
EVENT_LABELS.update({
    "determine": _l("登记尽职认定"), "add_receipt": _l("上传研发投入凭证"),
    "verify_receipt": _l("核定研发投入"), "compensate": _l("登记风险补偿"),
    "set_compensation_cap": _l("设定风险补偿上限"),
})
# Third-party professional bodies (challenge/bodies).
EVENT_LABELS.update({"appoint_body": _l("委托专业机构"), "end_appointment": _l("解除专业机构委托"),
                     "record_finding": _l("提交专业意见")})
STATE_ENUMS = {"challenge": ChallengeState, "access_grant": AccessState,
               "review_assignment": PanelSeatState, "proposal": ProposalState,
               "review": ReviewState, "objection": ObjectionState, "contract": ContractState,
               "milestone": MilestoneState, "acceptance": AcceptanceState,
               "organization": OrgState, "join_request": JoinState,
               "finding": FindingState}
ACTION_LABELS = {object_type: {t.action: t.label for t in table} for object_type, table in (
    ("challenge", CHALLENGE_TRANSITIONS), ("access_grant", ACCESS_TRANSITIONS),
    ("review_assignment", PANEL_TRANSITIONS), ("proposal", PROPOSAL_TRANSITIONS),
    ("review", REVIEW_TRANSITIONS), ("objection", OBJECTION_TRANSITIONS),
    ("contract", CONTRACT_TRANSITIONS), ("milestone", MILESTONE_TRANSITIONS),
    ("acceptance", ACCEPTANCE_TRANSITIONS), ("organization", ORG_TRANSITIONS),
    ("join_request", JOIN_TRANSITIONS), ("finding", FINDING_TRANSITIONS))}


# -- changes after publishing and after signing (challenge/changes) ---------------------------
class ChangeRequestState(LabelledEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class AddendumKind(LabelledEnum):
    EXTENSION = "extension"
    ADDENDUM = "addendum"


CR = ChangeRequestState
# A change to a signed contract: one party asks, the other agrees (or declines), then the bureau
# approves (or refuses). That the answering party is the *other* one is a guard (changes/flows).
CHANGE_REQUEST_TRANSITIONS: tuple[Transition, ...] = (
    T("agree",     {CR.PROPOSED},                CR.AGREED,      {E, S},        False, _l("同意变更")),
    T("decline",   {CR.PROPOSED},                CR.REFUSED,     {E, S},        True,  _l("不同意变更")),
    T("approve",   {CR.AGREED},                  CR.APPROVED,    {A},           False, _l("批准变更")),
    T("refuse",    {CR.AGREED},                  CR.REFUSED,     {A},           True,  _l("不批准变更")),
    T("withdraw",  {CR.PROPOSED, CR.AGREED},     CR.WITHDRAWN,   {E, S},        True,  _l("撤回变更申请")),
)
LABELS[ChangeRequestState] = {
    CR.PROPOSED: _l("待对方确认"), CR.AGREED: _l("待科技局审批"), CR.APPROVED: _l("已批准"),
    CR.REFUSED: _l("未获同意"), CR.WITHDRAWN: _l("已撤回"),
}
LABELS[AddendumKind] = {AddendumKind.EXTENSION: _l("延长截止时间"), AddendumKind.ADDENDUM: _l("补充通知")}
TONES[ChangeRequestState] = {CR.PROPOSED: WARNING, CR.AGREED: ACTIVE, CR.APPROVED: SUCCESS,
                             CR.REFUSED: DANGER, CR.WITHDRAWN: NEUTRAL}
OBJECT_LABELS["change_request"] = _l("合同变更申请")
EVENT_LABELS.update({"request_change": _l("申请合同变更"), "extend_deadline": _l("延长截止时间"),
                     "publish_addendum": _l("发布补充通知")})
STATE_ENUMS["change_request"] = ChangeRequestState
ACTION_LABELS["change_request"] = {t.action: t.label for t in CHANGE_REQUEST_TRANSITIONS}
# Outcome reports after acceptance (challenge/outcomes).
EVENT_LABELS.update({"report_outcome": _l("提交成果报告"), "remind_outcome": _l("提醒填报成果报告")})
