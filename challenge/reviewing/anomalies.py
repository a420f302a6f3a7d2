"""Score anomalies, shown not hidden (SPEC §6): what the decision page flags in a complete panel's
submitted reviews, each flag with a sentence of evidence. Nothing is changed: the bureau
acknowledges each flag with a reason (`acknowledge`, audited) and the decision waits for that
(the "decide" guard in reviewing/flows.py).

The five kinds:

- outlier: a reviewer's total on a bid more than 2 standard deviations from the mean of the rest
  of the panel on that bid (sample deviation of the others, never taken below MIN_SPREAD points,
  so two others who agree exactly do not make every small difference an outlier; needs two
  others at least);
- lift: the bid reaches the pass mark with this reviewer's total and would not without it
  (aggregated the way the panel's score is, aggregate.py);
- similar: two reviewers' comments nearly the same (rapidfuzz ratio at least
  ANOMALY_SIMILAR_COMMENTS, comments of MIN_COMMENT characters or more after folding whitespace);
- fast: a review submitted less than ANOMALY_MIN_REVIEW_MINUTES after the reviewer first opened
  the bid (ReviewOpening, else the review's first save);
- pair: the reviewer scored a bid of the same lead organisation that won another 榜 before.

A flag's key names what it is about (kind, bids, reviewers), so an acknowledgement stays with
the same facts and a new fact is a new flag."""

import statistics
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from rapidfuzz import fuzz
from sqlalchemy import select

from ..errors import Refused
from ..extensions import db
from ..locking import lock_for_write
from ..models import Challenge, FlagAcknowledgement, Proposal, Review, ReviewOpening, User
from ..states import ChallengeState, ProposalState, ReviewState
from ..timeutil import utcnow
from ..workflow import record
from .aggregate import aggregate
from .scoring import BidResult, results

SIGMAS = 2
MIN_SPREAD = 5  # points: the smallest standard deviation an outlier is measured against
MIN_COMMENT = 20  # characters: shorter comments ("同意") are alike by nature
REASON_MAX = 1000
KINDS = ("outlier", "lift", "similar", "fast", "pair")


@dataclass(frozen=True)
class Flag:
    key: str
    kind: str
    text: str
    proposal_ids: tuple[int, ...] = ()
    reviewer_ids: tuple[int, ...] = ()


def _bid_name(proposal: Proposal) -> str:
    return _("方案 #%(id)d（%(org)s）", id=proposal.id, org=proposal.lead_org.name)


def _outliers(row: BidResult) -> list[Flag]:
    flags = []
    for review in row.reviews:
        others = [r.total for r in row.reviews if r is not review]
        if len(others) < 2:
            continue
        mean = statistics.fmean(others)
        sd = max(statistics.stdev(others), MIN_SPREAD)
        if abs(review.total - mean) > SIGMAS * sd:
            flags.append(Flag(
                f"outlier:p{row.proposal.id}:r{review.reviewer_id}", "outlier",
                _("%(name)s 给%(bid)s打 %(t)d 分，其余专家平均 %(m).1f 分（标准差 %(sd).1f），"
                  "相差超过 2 个标准差。", name=review.reviewer.name, bid=_bid_name(row.proposal),
                  t=review.total, m=mean, sd=statistics.stdev(others)),
                (row.proposal.id,), (review.reviewer_id,)))
    return flags


def _lifts(row: BidResult, pass_mark: int) -> list[Flag]:
    if not row.passes or len(row.reviews) < 2:
        return []
    flags = []
    for review in row.reviews:
        without = aggregate([r.total for r in row.reviews if r is not review])
        if without.score < pass_mark:
            flags.append(Flag(
                f"lift:p{row.proposal.id}:r{review.reviewer_id}", "lift",
                _("%(bid)s 汇总 %(s)s 分达到合格分 %(p)d；去掉 %(name)s 的 %(t)d 分后为 %(w)s 分，"
                  "不合格。", bid=_bid_name(row.proposal), s=row.aggregate.score, p=pass_mark,
                  name=review.reviewer.name, t=review.total, w=without.score),
                (row.proposal.id,), (review.reviewer_id,)))
    return flags


def _folded(comment: str) -> str:
    return " ".join((comment or "").split())


def _similar(rows: list[BidResult], threshold: float) -> list[Flag]:
    reviews = [(row.proposal, r, _folded(r.comment)) for row in rows for r in row.reviews]
    reviews = [item for item in reviews if len(item[2]) >= MIN_COMMENT]
    flags = []
    for i, (bid_a, a, text_a) in enumerate(reviews):
        for bid_b, b, text_b in reviews[i + 1:]:
            if a.reviewer_id == b.reviewer_id:
                continue
            ratio = fuzz.ratio(text_a, text_b)
            if ratio >= threshold:
                first, second = sorted([(a, bid_a), (b, bid_b)], key=lambda x: x[0].id)
                flags.append(Flag(
                    f"similar:v{first[0].id}:v{second[0].id}", "similar",
                    _("%(a)s 对%(bid_a)s的意见与 %(b)s 对%(bid_b)s的意见相似度 %(r)d%%：「%(text)s」",
                      a=first[0].reviewer.name, bid_a=_bid_name(first[1]),
                      b=second[0].reviewer.name, bid_b=_bid_name(second[1]), r=round(ratio),
                      text=_folded(first[0].comment)[:60]),
                    (first[1].id, second[1].id), (first[0].reviewer_id, second[0].reviewer_id)))
    return flags


def _first_opened(rows: list[BidResult]) -> dict[tuple[int, int], datetime]:
    ids = [row.proposal.id for row in rows]
    if not ids:
        return {}
    return {(p, r): at for p, r, at in db.session.execute(
        select(ReviewOpening.proposal_id, ReviewOpening.reviewer_id, ReviewOpening.opened_at)
        .where(ReviewOpening.proposal_id.in_(ids)))}


def _fast(rows: list[BidResult], minutes: float) -> list[Flag]:
    opened = _first_opened(rows)
    flags = []
    for row in rows:
        for review in row.reviews:
            started = min(filter(None, [opened.get((review.proposal_id, review.reviewer_id)),
                                        review.created_at]))
            if review.submitted_at is None:
                continue
            taken = max((review.submitted_at - started).total_seconds() / 60, 0)
            if taken < minutes:
                flags.append(Flag(
                    f"fast:v{review.id}", "fast",
                    _("%(name)s 对%(bid)s的评审从打开到提交仅用 %(m).1f 分钟（少于 %(min)s 分钟）。",
                      name=review.reviewer.name, bid=_bid_name(row.proposal), m=taken,
                      min=minutes),
                    (row.proposal.id,), (review.reviewer_id,)))
    return flags


def _pairs(challenge: Challenge, rows: list[BidResult]) -> list[Flag]:
    """Per (reviewer, lead organisation) of this panel: the other 榜 where this reviewer scored a
    bid of that organisation which won."""
    here = {(r.reviewer_id, row.proposal.lead_org_id): (row.proposal, r)
            for row in rows for r in row.reviews}
    if not here:
        return []
    reviewers = {reviewer for reviewer, _org in here}
    orgs = {org for _reviewer, org in here}
    before = db.session.execute(
        select(Review.reviewer_id, Proposal.lead_org_id, Proposal.challenge_id, Challenge.title)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(Review.reviewer_id.in_(reviewers), Review.state == ReviewState.SUBMITTED,
               Proposal.lead_org_id.in_(orgs), Proposal.state == ProposalState.SELECTED,
               Proposal.challenge_id != challenge.id)
        .order_by(Proposal.challenge_id)).all()
    found: dict[tuple[int, int], list[str]] = {}
    for reviewer_id, org_id, other_id, title in before:
        if (reviewer_id, org_id) in here:
            found.setdefault((reviewer_id, org_id), []).append(f"#{other_id}「{title}」")
    flags = []
    for (reviewer_id, org_id), boards in sorted(found.items()):
        proposal, review = here[(reviewer_id, org_id)]
        flags.append(Flag(
            f"pair:r{reviewer_id}:o{org_id}", "pair",
            _("%(name)s 曾评审 %(org)s 的入选方案（%(boards)s），本榜又评审其方案 #%(id)d。",
              name=review.reviewer.name, org=proposal.lead_org.name,
              boards="、".join(dict.fromkeys(boards)), id=proposal.id),
            (proposal.id,), (reviewer_id,)))
    return flags


def flags_for(challenge: Challenge, rows: list[BidResult] | None = None) -> list[Flag]:
    """Every anomaly in the 榜's submitted reviews (*rows*: `results(challenge)` when the caller
    has them already)."""
    rows = results(challenge) if rows is None else rows
    config = current_app.config
    flags: list[Flag] = []
    for row in rows:
        flags += _outliers(row) + _lifts(row, challenge.pass_mark)
    flags += _similar(rows, config["ANOMALY_SIMILAR_COMMENTS"])
    flags += _fast(rows, config["ANOMALY_MIN_REVIEW_MINUTES"])
    flags += _pairs(challenge, rows)
    return flags


def acknowledgements(challenge: Challenge) -> dict[str, FlagAcknowledgement]:
    return {a.flag_key: a for a in db.session.scalars(select(FlagAcknowledgement).where(
        FlagAcknowledgement.challenge_id == challenge.id).order_by(FlagAcknowledgement.id))}


def unacknowledged(challenge: Challenge, rows: list[BidResult] | None = None) -> list[Flag]:
    done = acknowledgements(challenge)
    return [f for f in flags_for(challenge, rows) if f.key not in done]


def acknowledge(challenge: Challenge, key: str, reason: str, actor: User,
                now: datetime | None = None) -> FlagAcknowledgement:
    """Keep the bureau's reason for one flag now on the 榜, audited. Raises Refused (the caller
    rolls back): a 榜 no longer under review, an unknown or already acknowledged flag, no reason."""
    if challenge.state is not ChallengeState.REVIEWING:
        raise Refused(_("本榜已不在评审中，评分异常提示不能再确认。"))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("请写明已核实该提示的理由。"), field="reason")
    if len(reason) > REASON_MAX:
        raise Refused(_("理由不超过 %(n)d 字。", n=REASON_MAX), field="reason")
    lock_for_write(Challenge, challenge.id)  # one acknowledgement per flag, however many clicks
    flag = next((f for f in flags_for(challenge) if f.key == key), None)
    if flag is None:
        raise Refused(_("该提示已不存在，请刷新页面。"))
    if key in acknowledgements(challenge):
        raise Refused(_("该提示已确认过。"))
    now = now or utcnow()
    ack = FlagAcknowledgement(challenge_id=challenge.id, flag_key=key, kind=flag.kind,
                              flag_text=flag.text, reason=reason, acknowledged_by_id=actor.id,
                              acknowledged_at=now)
    db.session.add(ack)
    db.session.flush()
    record(challenge, "acknowledge_flag", actor, reason=reason, now=now,
           changes={"flag": [None, key], "text": [None, flag.text]})
    return ack


def flag_problems(challenge: Challenge, rows: list[BidResult] | None = None) -> list[str]:
    """The decision's refusal while a flag waits for its acknowledgement."""
    waiting = unacknowledged(challenge, rows)
    if not waiting:
        return []
    return [_("还有 %(n)d 条评分异常提示未确认：请逐条核实并写明理由后再确定揭榜方。",
              n=len(waiting))]
