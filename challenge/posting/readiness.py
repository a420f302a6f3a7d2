"""揭榜 readiness: how likely a 榜 is to draw bids, 0–100, with the reasons and the fix for each.

Four parts, each with its ceiling (PARTS):
- need quality (the assistant's advice still standing on the form's values),
- supply depth (experts and registered solvers above the match threshold, eligible or not by
  the 榜's region and organisation-type limits, in and out of the issuer's region),
- reach (lost to 脱敏 / 定向 and to qualification limits),
- terms (bounty and period beside the similar 榜 published before).

The weights are a first guess; `calibration()` sets past scores beside what happened (bids
received, 流榜) so they can be tuned on the platform's own outcomes.
"""

from dataclasses import dataclass, field
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..matching_service import RECOMMEND_MIN_SCORE, need_doc, service
from ..models import AuditEvent, Challenge, ExpertProfile, Organization, Proposal
from ..models.base import csv_list
from ..money import wan_input
from ..states import ChallengeState, Confidentiality, ProposalState, Role
from .assistant import Report, advise

PARTS = {"quality": 40, "supply": 30, "reach": 15, "terms": 15}
SUPPLY_FULL = 6            # eligible matches for full supply points
SIMILAR_THRESHOLD = 25.0   # a past 榜 this close counts as "similar" for bounty and period
VOCABULARY_PROFILES = 5000  # newest profiles read for tag suggestions
LOW_SHARE = 0.6            # below this share of the similar 榜's median: a reason
PAST = (ChallengeState.OPEN, ChallengeState.REVIEWING, ChallengeState.UNCLAIMED,
        ChallengeState.PUBLICITY, ChallengeState.CONTRACTED, ChallengeState.ACCEPTED,
        ChallengeState.AWARDED, ChallengeState.CLOSED, ChallengeState.FAILED)
QUALITY_COST = {"no_indicators": 16, "no_number": 6, "no_comparator": 3, "no_unit": 4,
                "unit_dimension": 5, "vague": 3, "baseline": 6, "reference": 6, "proposal": 2}


@dataclass
class Reason:
    part: str
    lost: int   # points this reason costs (0: for information)
    text: str   # what is the matter
    fix: str    # what to do about it


@dataclass
class Supply:
    eligible: int = 0         # matches the 榜's limits let bid
    excluded: int = 0         # matches its region / organisation-type limits keep out
    local: int = 0            # of all matches: in the issuer's region
    elsewhere: int = 0        # ...and outside it
    solvers: int = 0          # of the eligible: registered solver accounts


@dataclass
class Readiness:
    score: int
    parts: dict[str, int]
    reasons: list[Reason] = field(default_factory=list)
    supply: Supply = field(default_factory=Supply)
    similar: int = 0  # similar past 榜 the terms were compared with
    report: Report | None = None

    @property
    def band(self) -> str:
        return "success" if self.score >= 75 else "warning" if self.score >= 50 else "danger"


def values_of(c: Challenge) -> dict:
    """A stored 榜 as the form's values (`ChallengeForm.values()`), for `assess`."""
    return {
        "title": c.title, "kind": c.kind, "field": c.field, "industry_tags": c.industry_tags,
        "summary": c.summary, "detail": c.detail, "bounty_fen": c.bounty_fen or 0,
        "period_months": c.period_months, "eligible_org_types": c.eligible_org_types,
        "eligible_regions": c.eligible_regions, "qualifications": c.qualifications,
        "confidentiality": c.confidentiality,
        "indicators": [{"name": i.name, "target": i.target, "unit": i.unit, "method": i.method}
                       for i in c.indicators],
    }


def vocabulary() -> list[str]:
    """The pool's own fields and keywords, the terms tags are suggested from (with the
    matcher's synonym table): read from the newest VOCABULARY_PROFILES profiles, so that a
    keystroke's advice costs the same in a pool of 100k."""
    terms: dict[str, int] = {}
    for fields, keywords in db.session.execute(
            select(ExpertProfile.fields, ExpertProfile.keywords).where(ExpertProfile.active)
            .order_by(ExpertProfile.id.desc()).limit(VOCABULARY_PROFILES)):
        for term in (*csv_list(fields), *csv_list(keywords)):
            terms[term] = terms.get(term, 0) + 1
    return sorted(terms, key=lambda t: (-terms[t], t))[:500]


def assess(values: dict, issuer: Organization | None, exclude_id: int | None = None) -> Readiness:
    """The readiness of a 榜 with these form values, posted by *issuer*."""
    report = advise(values, vocabulary())
    reasons: list[Reason] = []
    parts = {"quality": _quality(report, reasons)}
    supply = supply_of(values, issuer)
    parts["supply"] = _supply_points(values, issuer, supply, reasons)
    parts["reach"] = _reach(values, reasons)
    parts["terms"], similar = _terms(values, exclude_id, reasons)
    reasons.sort(key=lambda r: -r.lost)
    return Readiness(sum(parts.values()), parts, reasons, supply, similar, report)


def assess_challenge(c: Challenge) -> Readiness:
    return assess(values_of(c), c.issuer, exclude_id=c.id)


def _quality(report: Report, reasons: list[Reason]) -> int:
    lost = 0
    for advice in report.advice:
        cost = QUALITY_COST.get(advice.code.partition(":")[0], 0)
        lost += cost
        if cost:
            reasons.append(Reason("quality", cost, advice.message, _("按需求凝练助手的建议修改")))
    return max(0, PARTS["quality"] - lost)


def _need(values: dict):
    return need_doc(title=values.get("title", ""), summary=values.get("summary", ""),
                    field=values.get("field", ""), tags=csv_list(values.get("industry_tags", "")),
                    detail=values.get("detail", ""))


def _in_region(org_region: str, regions: list[str]) -> bool:
    return bool(org_region) and any(r in org_region or org_region in r for r in regions)


def _home(region: str) -> str:
    """The city part of a region such as 示范市高新区 (up to its 市/州/盟), to tell local from not."""
    for mark in ("市", "州", "盟"):
        if mark in region:
            return region[:region.index(mark) + 1]
    return region


def supply_of(values: dict, issuer: Organization | None) -> Supply:
    """Matches above the threshold in the pool, sorted by the 榜's limits and by region."""
    need = _need(values)
    supply = Supply()
    if not (need.title or need.summary or need.keywords):
        return supply
    matches = [m for m in service().experts.top_experts(need, k=300) if m.score >= RECOMMEND_MIN_SCORE]
    if not matches:
        return supply
    profiles = db.session.scalars(select(ExpertProfile).where(
        ExpertProfile.id.in_([m.id for m in matches])).options(
        selectinload(ExpertProfile.organization), selectinload(ExpertProfile.user))).all()
    regions = csv_list(values.get("eligible_regions", ""))
    types = set(csv_list(values.get("eligible_org_types", "")))
    home = _home(issuer.region) if issuer is not None and issuer.region else ""
    for p in profiles:
        if issuer is not None and p.organization_id == issuer.id:
            continue  # the issuer's own people do not bid on its 榜
        org = p.organization
        region = org.region if org is not None else ""
        if home and region.startswith(home):
            supply.local += 1
        else:
            supply.elsewhere += 1
        ok = (not regions or _in_region(region, regions)) and \
             (not types or (org is not None and org.type.value in types))
        if ok:
            supply.eligible += 1
            supply.solvers += bool(p.user and p.user.active and p.user.role is Role.SOLVER)
        else:
            supply.excluded += 1
    return supply


def _supply_points(values: dict, issuer, s: Supply, reasons: list[Reason]) -> int:
    points = round(PARTS["supply"] * min(s.eligible, SUPPLY_FULL) / SUPPLY_FULL)
    lost = PARTS["supply"] - points
    regions = csv_list(values.get("eligible_regions", ""))
    if s.eligible == 0 and s.excluded == 0:
        reasons.append(Reason("supply", lost, _("专家库中没有与本榜匹配的专家或揭榜方。"),
                              _("补充技术领域、关键词和量化指标，或请科技局引进该领域专家")))
    elif s.excluded > s.eligible:
        where = "、".join(regions) if regions else _("限定范围")
        reasons.append(Reason("supply", lost, _(
            "%(where)s内仅 %(n)d 位匹配专家，限制以外 %(m)d 位。", where=where, n=s.eligible,
            m=s.excluded), _("放宽地区限制或单位类型限制")))
    elif lost:
        reasons.append(Reason("supply", lost, _(
            "仅 %(n)d 位匹配的专家或揭榜方（本地 %(local)d 位，外地 %(away)d 位）。", n=s.eligible,
            local=s.local, away=s.elsewhere), _("补充技术领域和关键词，或邀请外地专家揭榜")))
    if s.eligible and not s.solvers:
        reasons.append(Reason("supply", 0, _("匹配者中还没有已注册的揭榜方账号。"),
                              _("发布后请科技局邀请匹配的专家注册揭榜")))
    return points


def _reach(values: dict, reasons: list[Reason]) -> int:
    lost = 0
    level = values.get("confidentiality")
    level = Confidentiality(level) if level else Confidentiality.PUBLIC
    if level is Confidentiality.DESENSITIZED:
        lost += 4
        reasons.append(Reason("reach", 4, _("脱敏榜的详细需求须申请查阅，部分揭榜方不会申请。"),
                              _("在公开摘要中写清指标和应用场景")))
    elif level is Confidentiality.DIRECTED:
        lost += 10
        reasons.append(Reason("reach", 10, _("定向榜只有受邀的揭榜方能看到。"),
                              _("改为脱敏发布，或邀请至少 3 位匹配的揭榜方")))
    if values.get("eligible_regions") or values.get("eligible_org_types"):
        lost += 3
        reasons.append(Reason("reach", 3, _("地区或单位类型限制缩小了可揭榜的范围。"),
                              _("只保留必要的限制")))
    if (values.get("qualifications") or "").strip():
        lost += 2
        reasons.append(Reason("reach", 2, _("资质要求会减少可揭榜单位。"), _("只保留必要的资质")))
    return max(0, PARTS["reach"] - lost)


def similar_past(values: dict, exclude_id: int | None) -> list[Challenge]:
    """Published 榜 (now or before) close to this one, by the matcher's near-duplicate score;
    never an invitation-only (定向) one, whose bounty only its invitees may see."""
    need = _need(values)
    if not (need.title or need.summary):
        return []
    ids = [m.id for m in service().needs.near_duplicates(need, threshold=SIMILAR_THRESHOLD, k=20)
           if m.id != exclude_id]
    if not ids:
        return []
    return list(db.session.scalars(select(Challenge).where(
        Challenge.id.in_(ids), Challenge.state.in_(PAST), Challenge.bounty_fen > 0,
        Challenge.confidentiality != Confidentiality.DIRECTED)))


def _terms(values: dict, exclude_id: int | None, reasons: list[Reason]) -> tuple[int, int]:
    lost = 0
    bounty = values.get("bounty_fen") or 0
    period = values.get("period_months") or 0
    past = similar_past(values, exclude_id)
    if not bounty:
        lost += 8
        reasons.append(Reason("terms", 8, _("尚未填写榜额。"), _("填写榜额")))
    if past:
        mid_bounty = median(c.bounty_fen for c in past)
        mid_period = median(c.period_months for c in past)
        if bounty and bounty < LOW_SHARE * mid_bounty:
            lost += 8
            reasons.append(Reason("terms", 8, _(
                "榜额 %(b)s 万元，低于 %(n)d 个相似榜的中位数 %(m)s 万元。", b=wan_input(bounty),
                n=len(past), m=wan_input(int(mid_bounty))), _("提高榜额，或缩小攻关范围")))
        if period and period < LOW_SHARE * mid_period:
            lost += 5
            reasons.append(Reason("terms", 5, _(
                "攻关周期 %(p)d 个月，短于相似榜的中位数 %(m)d 个月。", p=period, m=round(mid_period)),
                _("延长攻关周期，或分阶段设里程碑")))
    return max(0, PARTS["terms"] - lost), len(past)


# -- calibration: past scores beside what happened ------------------------------------------

def recorded_scores(ids: list[int] | None = None) -> dict[int, int]:
    """{challenge id: its recorded readiness}: the score at publication, else at submission
    (the latest of each), for the 榜 of *ids* (all when None)."""
    query = (select(AuditEvent.object_id, AuditEvent.action, AuditEvent.changes)
             .where(AuditEvent.object_type == "challenge",
                    AuditEvent.action.in_(("readiness", "assistant"))).order_by(AuditEvent.id))
    if ids is not None:
        query = query.where(AuditEvent.object_id.in_(ids))
    scores: dict[int, int] = {}
    published: set[int] = set()
    for object_id, action, changes in db.session.execute(query):
        if not changes or not isinstance(changes.get("score"), int):
            continue
        if action == "readiness":
            published.add(object_id)
        if action == "readiness" or object_id not in published:
            scores[object_id] = changes["score"]
    return scores


@dataclass
class Outcome:
    challenge: Challenge
    score: int
    bids: int
    unclaimed: bool


BANDS = ((0, 49), (50, 74), (75, 100))


def calibration() -> tuple[list[Outcome], list[dict]]:
    """Every 榜 whose call has closed and whose readiness was recorded when it was published
    (or submitted), with the bids it received and whether it went 流榜; and per score band:
    how many, the mean number of bids and the share that went 流榜."""
    scores = recorded_scores()
    if not scores:
        return [], []
    closed = [s for s in PAST if s is not ChallengeState.OPEN]
    challenges = db.session.scalars(select(Challenge).where(
        Challenge.id.in_(scores), Challenge.state.in_(closed)).order_by(Challenge.id)).all()
    bids = dict(db.session.execute(
        select(Proposal.challenge_id, func.count()).where(
            Proposal.challenge_id.in_([c.id for c in challenges]),
            Proposal.state.not_in((ProposalState.DRAFT, ProposalState.WITHDRAWN)))
        .group_by(Proposal.challenge_id)).all())
    unclaimed = set(db.session.scalars(select(AuditEvent.object_id).where(
        AuditEvent.object_type == "challenge", AuditEvent.action == "unclaim")))
    rows = [Outcome(c, scores[c.id], bids.get(c.id, 0),
                    c.state is ChallengeState.UNCLAIMED or c.id in unclaimed) for c in challenges]
    bands = []
    for low, high in BANDS:
        inside = [r for r in rows if low <= r.score <= high]
        bands.append({"low": low, "high": high, "count": len(inside),
                      "bids": round(sum(r.bids for r in inside) / len(inside), 1) if inside else None,
                      "unclaimed": round(100 * sum(r.unclaimed for r in inside) / len(inside))
                      if inside else None})
    return rows, bands
