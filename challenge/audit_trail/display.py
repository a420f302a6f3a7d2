"""How an audit event reads: the action's label, the object's name, from → to state labels and,
for each changed field, its value before → after (money in 万元, yes/no, lists)."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..locales import money, punctuation
from ..models.base import csv_list
from ..money import BP_PER_PERCENT
from ..states import (
    ACTION_LABELS,
    EVENT_LABELS,
    OBJECT_EVENT_LABELS,
    OBJECT_LABELS,
    STATE_ENUMS,
    ChallengeKind,
    Confidentiality,
    FundingMode,
    OrgType,
    Payer,
    Role,
)
from ..timeutil import local

# How audited model fields are named on screen (the audit trail shows before → after).
FIELD_LABELS = {
    "title": _l("榜单名称"), "kind": _l("榜单类型"), "field": _l("技术领域"),
    "industry_tags": _l("产业链标签"), "summary": _l("公开摘要"), "detail": _l("详细需求"),
    "bounty_fen": _l("榜额（分）"), "investment_fen": _l("研发总投入（分）"),
    "funding_mode": _l("资助方式"), "max_winners": _l("最多揭榜方数量"), "deadline_at": _l("截止时间"),
    "period_months": _l("攻关周期"), "eligible_org_types": _l("可揭榜单位类型"),
    "eligible_regions": _l("地区限制"), "qualifications": _l("资质要求"),
    "confidentiality": _l("保密级别"), "contact_name": _l("联系人"), "contact_phone": _l("联系电话"),
    "contact_email": _l("联系邮箱"), "indicators": _l("量化技术指标"),
    "title_en": _l("英文榜单名称"), "summary_en": _l("英文公开摘要"), "worldwide": _l("面向全球发布"),
}

# Keys found in AuditEvent.changes, for any object; some objects name their keys differently.
CHANGE_LABELS = {
    "bounty_fen": _l("榜额"), "investment_fen": _l("研发总投入"), "amount_fen": _l("金额"),
    "subsidy_cap_fen": _l("补助上限"), "recovery_fen": _l("追回金额"),
    "subsidy_rate_bp": _l("补助比例"), "share_bp": _l("支付比例"),
    "active": _l("启用"), "role": _l("角色"), "email": _l("邮箱"), "organization": _l("单位"),
    "reviewers_required": _l("评审人数"), "total": _l("总分"), "scores": _l("各项得分"),
    "comment": _l("评审意见"), "attachment": _l("附件"), "file": _l("文件"), "due_on": _l("到期日"),
    "answer": _l("回复"), "body": _l("内容"), "proposal": _l("揭榜方案"), "challenge": _l("榜"),
    "reviewer": _l("评审专家"), "user": _l("用户"), "fields": _l("修改的栏目"), "entry": _l("流水号"),
    "payer": _l("付款方"), "milestone": _l("里程碑"), "number": _l("合同编号"),
    "start_on": _l("开始日期"), "milestones": _l("里程碑"), "rows": _l("行数"),
    "imported": _l("导入"), "skipped": _l("跳过"), "skipped_rows": _l("跳过的行"),
    "new_organizations": _l("新建单位"), "table": _l("导出内容"), "format": _l("格式"),
    "filters": _l("筛选条件"), "name": _l("姓名"), "title": _l("名称"), "keywords": _l("关键词"),
    "bio": _l("简介"), "works": _l("代表性成果"), "phone": _l("手机"), "summary": _l("摘要"),
    "enterprise_opinion": _l("企业意见"), "items": _l("验收项"), "deadline_at": _l("截止时间"),
    "credit_code": _l("统一社会信用代码"), "licence": _l("证照"), "member": _l("成员"),
    "org_admin": _l("单位管理员"), "invitation": _l("邀请"),
    # 回避: the conflict check at seating, and the declarations it reads
    "conflicts": _l("回避事由"), "kinds": _l("回避类别"), "years": _l("回溯年数"),
    "outcome": _l("结果"), "affiliations": _l("任职经历"), "relations": _l("亲属与学生"),
}
# A panel's random draw (reviewing/draw.py): what the auditor reads in its event.
CHANGE_LABELS.update({
    "algorithm": _l("算法"), "chain_head": _l("抽取前的审计链头"), "seed": _l("种子"),
    "pool_size": _l("候选人数 K"), "seats": _l("抽取席位数"), "candidates": _l("候选名单"),
    "drawn": _l("抽中的专家"), "passed_over": _l("未入候选名单的专家及原因"),
})
CHANGE_LABELS.update({  # review deadlines and ratings
    "review_due_on": _l("评审截止日期"), "reminder": _l("提醒类型"), "owed": _l("未提交评分数"),
    "timeliness": _l("按时程度"), "quality": _l("评审意见质量"),
})
# The need-structuring assistant and the readiness score (posting/assistant.py, readiness.py).
CHANGE_LABELS.update({
    "score": _l("揭榜准备度"), "followed": _l("已采纳的建议"), "ignored": _l("未采纳的建议"),
})
# After a failure (awarding/diligence.py, integrity/).
CHANGE_LABELS.update({
    "verdict": _l("认定结论"), "determined_by": _l("认定主体"), "determiners": _l("专家组成员 / 机构名称"),
    "receipt": _l("凭证"), "verified_fen": _l("核定金额"), "compensation_cap_fen": _l("风险补偿上限"),
    "party": _l("失信主体"), "grade": _l("失信等级"), "starts_on": _l("生效日期"),
    "expires_on": _l("失效日期"), "published": _l("公示"), "evidence": _l("证据材料"),
})
# Extensions, addenda and contract change requests (challenge/changes).
CHANGE_LABELS.update({"budget": _l("预算"), "addendum": _l("补充通知")})
OBJECT_CHANGE_LABELS = {
    "challenge": {**FIELD_LABELS, "bounty_fen": _l("榜额"), "investment_fen": _l("研发总投入")},
    "proposal": {**FIELD_LABELS, "title": _l("方案名称")},
    "expert_profile": {"title": _l("职称"), "fields": _l("研究领域"), "organization": _l("单位")},
}
ENUM_KEYS = {"role": Role, "kind": ChallengeKind, "funding_mode": FundingMode,
             "confidentiality": Confidentiality, "payer": Payer}
MAX_SHOWN = 200  # characters of one value on the page; the export keeps everything



@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str | None   # None: the event only states the value (no before → after pair)
    after: str
    paired: bool


def localtime(value: datetime) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M")


def object_label(object_type: str) -> str:
    return str(OBJECT_LABELS.get(object_type, object_type))


def action_label(object_type: str, action: str) -> str:
    """The one wording of an audited action: the transition's label, else the event's."""
    label = (ACTION_LABELS.get(object_type, {}).get(action)
             or OBJECT_EVENT_LABELS.get(object_type, {}).get(action) or EVENT_LABELS.get(action))
    return str(label) if label else action


def state_label(object_type: str, value: str | None) -> str:
    enum = STATE_ENUMS.get(object_type)
    if not value:
        return ""
    try:
        return enum(value).label if enum else value
    except ValueError:
        return value


def event_action(event) -> str:
    return action_label(event.object_type, event.action)


def event_state(event, value: str | None) -> str:
    return state_label(event.object_type, value) or "—"


def change_label(key: str, object_type: str = "") -> str:
    label = OBJECT_CHANGE_LABELS.get(object_type, {}).get(key) or CHANGE_LABELS.get(key)
    return str(label) if label else key


def _indicator_text(row: dict) -> str:
    """name (English name) target unit: an edit of the English name alone shows too."""
    name = " / ".join(str(row[k]) for k in ("name", "name_en") if row.get(k))
    return " ".join(t for t in (name, str(row.get("target") or ""), str(row.get("unit") or "")) if t)


def format_value(key: str, value) -> str:
    """One recorded value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if key.endswith("_fen") and isinstance(value, int):
        return money(value)  # "12.50 万元" / "CNY 125,000"
    if key.endswith("_bp") and isinstance(value, int):
        return f"{Decimal(value) / BP_PER_PERCENT:.2f}%"
    if key == "fields" and isinstance(value, list):
        return punctuation("、").join(change_label(str(v)) for v in value)
    if key == "indicators" and isinstance(value, list):
        return punctuation("；").join(_indicator_text(row) if isinstance(row, dict) else str(row)
                                      for row in value)
    if key == "eligible_org_types" and isinstance(value, str):
        return punctuation("、").join(_enum_label(OrgType, v) for v in csv_list(value))
    if isinstance(value, str):
        if key in ENUM_KEYS:
            try:
                return ENUM_KEYS[key](value).label
            except ValueError:
                return value
        if key.endswith("_at"):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return value
            return localtime(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
        return value
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return punctuation("；").join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _enum_label(enum, value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


def changes_of(changes: dict | None, object_type: str = "") -> list[Change]:
    """Each recorded field: before → after when the event recorded a pair, else the value."""
    rows = []
    for key, value in (changes or {}).items():
        label = change_label(key, object_type)
        if isinstance(value, list) and len(value) == 2:
            before, after = format_value(key, value[0]), format_value(key, value[1])
            if value[0] is None:  # set for the first time (a creation): just the value
                if after != "—":
                    rows.append(Change(key, label, None, after, False))
            elif before != after:
                rows.append(Change(key, label, before, after, True))
        else:
            rows.append(Change(key, label, None, format_value(key, value), False))
    return rows


def changes_text(changes: dict | None, object_type: str = "") -> str:
    """The changes on one line per field, for exports."""
    return "\n".join(f"{c.label}：{c.before} → {c.after}" if c.paired else f"{c.label}：{c.after}"
                     for c in changes_of(changes, object_type))
