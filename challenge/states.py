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


class Payer(LabelledEnum):
    ENTERPRISE = "enterprise"
    GOVERNMENT = "government"


class EntryKind(LabelledEnum):
    """A line of the payments ledger."""

    PAYMENT = "payment"
    REVERSAL = "reversal"
    RECEIVABLE = "receivable"
    RECOVERED = "recovered"


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
}

# Labels per enum class: equal values in different enums (Role.ENTERPRISE and
# OrgType.ENTERPRISE are both 'enterprise') must not share one dictionary.
LABELS: dict[type, dict] = {
    Role: {
        Role.ENTERPRISE: _l("发榜方（企业）"),
        Role.SOLVER: _l("揭榜方"),
        Role.REVIEWER: _l("评审专家"),
        Role.ADMIN: _l("管理员"),
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
    Payer: {
        Payer.ENTERPRISE: _l("企业榜金"),
        Payer.GOVERNMENT: _l("政府补助"),
    },
    EntryKind: {
        EntryKind.PAYMENT: _l("支付"),
        EntryKind.REVERSAL: _l("冲正"),
        EntryKind.RECEIVABLE: _l("应收追回款"),
        EntryKind.RECOVERED: _l("追回到账"),
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


# Every kind of object the platform audits, as the audit trail names it.
OBJECT_LABELS = {
    "challenge": _l("榜"), "proposal": _l("揭榜方案"), "access_grant": _l("保密内容查阅"),
    "invitation": _l("定向邀请"), "question": _l("提问答疑"), "review_assignment": _l("评审席位"),
    "review": _l("评分"), "objection": _l("异议"), "contract": _l("合同"),
    "milestone": _l("合同里程碑"), "acceptance": _l("验收"), "user": _l("账号"),
    "expert_profile": _l("专家档案"), "expert_import": _l("专家库导入"), "export": _l("数据导出"),
    "organization": _l("单位"), "join_request": _l("加入单位申请"),
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
}
# Where one kind of object words an event its own way.
OBJECT_EVENT_LABELS = {
    "expert_profile": {"edit": _l("修改档案"), "activate": _l("恢复入库"), "deactivate": _l("停用")},
}
# Account events (challenge/auth).
EVENT_LABELS.update({
    "accept_terms": _l("同意用户协议"), "confirm_email": _l("确认邮箱"),
    "request_password_reset": _l("申请重设密码"), "reset_password": _l("重设密码"),
    "enable_2fa": _l("开启两步验证"), "disable_2fa": _l("关闭两步验证"),
    "use_recovery_code": _l("使用恢复码登录"), "renew_recovery_codes": _l("更换恢复码"),
    "login_throttled": _l("登录失败过多被暂停"),
})
# A panel seated by random draw (challenge/reviewing/draw.py).
EVENT_LABELS.update({"draw": _l("随机抽取评审专家")})
# Review integrity (challenge/reviewing/anomalies.py, evidence.py).
EVENT_LABELS.update({
    "acknowledge_flag": _l("确认评分异常提示"), "evidence_pack": _l("生成廉洁评审证据包"),
})
STATE_ENUMS = {"challenge": ChallengeState, "access_grant": AccessState,
               "review_assignment": PanelSeatState, "proposal": ProposalState,
               "review": ReviewState, "objection": ObjectionState, "contract": ContractState,
               "milestone": MilestoneState, "acceptance": AcceptanceState,
               "organization": OrgState, "join_request": JoinState}
ACTION_LABELS = {object_type: {t.action: t.label for t in table} for object_type, table in (
    ("challenge", CHALLENGE_TRANSITIONS), ("access_grant", ACCESS_TRANSITIONS),
    ("review_assignment", PANEL_TRANSITIONS), ("proposal", PROPOSAL_TRANSITIONS),
    ("review", REVIEW_TRANSITIONS), ("objection", OBJECTION_TRANSITIONS),
    ("contract", CONTRACT_TRANSITIONS), ("milestone", MILESTONE_TRANSITIONS),
    ("acceptance", ACCEPTANCE_TRANSITIONS), ("organization", ORG_TRANSITIONS),
    ("join_request", JOIN_TRANSITIONS))}
# Outcome reports after acceptance (challenge/outcomes).
EVENT_LABELS.update({"report_outcome": _l("提交成果报告"), "remind_outcome": _l("提醒填报成果报告")})
