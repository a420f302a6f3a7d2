"""评榜 panels: who may sit on a 榜's panel, proposals for many 榜 at once, seating and 回避."""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..errors import Refused
from ..extensions import db
from ..integrity.rules import barred_people
from ..locales import current, punctuation
from ..locking import lock_for_write
from ..matching import Assignment, Match, Shortfall, assign_reviewers
from ..matching.assignment import MAX_NAMES
from ..matching_service import reviewer_matches
from ..models import Challenge, Notification, Proposal, ReviewAssignment, User
from ..notices import challenge_link
from ..states import LIVE_PROPOSAL_STATES, ChallengeState, PanelSeatState, ProposalState, Role
from ..workflow import record

CANDIDATES_PER_CHALLENGE = 50  # the solver scales with candidate pairs, not the whole pool


def seats_taken(challenge: Challenge) -> list[ReviewAssignment]:
    return list(db.session.scalars(select(ReviewAssignment).where(
        ReviewAssignment.challenge_id == challenge.id,
        ReviewAssignment.state == PanelSeatState.ASSIGNED)))


def active_load(reviewer_ids) -> dict[int, int]:
    """Seats each reviewer holds on panels of 榜 still under review."""
    if not reviewer_ids:
        return {}
    rows = db.session.execute(
        select(ReviewAssignment.reviewer_id, func.count()).join(Challenge)
        .where(ReviewAssignment.reviewer_id.in_(list(reviewer_ids)),
               ReviewAssignment.state == PanelSeatState.ASSIGNED,
               Challenge.state == ChallengeState.REVIEWING)
        .group_by(ReviewAssignment.reviewer_id)).all()
    return dict(rows)


def bidder_organizations(challenge: Challenge) -> dict[str, str]:
    """Every organization in a live bid on this 榜, lead or partner: {key: name}, keyed by
    "id:<n>" and by name (a partner may be named without being registered)."""
    found = {}
    bids = db.session.scalars(select(Proposal).where(
        Proposal.challenge_id == challenge.id,
        Proposal.state.in_(LIVE_PROPOSAL_STATES - {ProposalState.DRAFT}))
        .options(selectinload(Proposal.lead_org), selectinload(Proposal.partners)))
    for bid in bids:
        found[f"id:{bid.lead_org_id}"] = found[bid.lead_org.name] = bid.lead_org.name
        for partner in bid.partners:
            if partner.organization_id:
                found[f"id:{partner.organization_id}"] = partner.organization_name
            found[partner.organization_name] = partner.organization_name
    return found


def conflicts_for(challenge: Challenge, reviewers: list[User]) -> dict[int, str]:
    """Hard exclusions: the issuer's people, any bidder's (lead or partner) people, anyone
    who declared a conflict, and anyone with an integrity (失信) finding in force."""
    declined = dict(db.session.execute(
        select(ReviewAssignment.reviewer_id, ReviewAssignment.conflict_note).where(
            ReviewAssignment.challenge_id == challenge.id,
            ReviewAssignment.state == PanelSeatState.DECLINED)).all())
    bidders = bidder_organizations(challenge)
    barred = barred_people([r.id for r in reviewers])  # 失信: neither proposed nor seated
    found = {}
    for reviewer in reviewers:
        bidder = bidders.get(f"id:{reviewer.organization_id}") or bidders.get(reviewer.org_name)
        if reviewer.organization_id == challenge.issuer_org_id:
            found[reviewer.id] = _("与发榜单位相同")
        elif bidder:
            found[reviewer.id] = _("与揭榜单位（%(org)s）相同", org=bidder)
        elif reviewer.id in declined:
            found[reviewer.id] = _("已声明回避：%(note)s", note=declined[reviewer.id])
        elif reviewer.id in barred:
            found[reviewer.id] = barred[reviewer.id]
    return found


@dataclass
class Candidate:
    reviewer: User
    match: Match
    conflict: str = ""
    load: int = 0


@dataclass
class PanelPlan:
    """One 榜's part of a proposal: who is proposed, who else could sit, what is short."""

    challenge: Challenge
    seated: list[ReviewAssignment]
    candidates: list[Candidate]
    proposed: list[int] = field(default_factory=list)

    @property
    def open_seats(self) -> int:
        return max(0, self.challenge.reviewers_required - len(self.seated))


def candidates_for(challenge: Challenge) -> list[Candidate]:
    """Reviewer accounts ranked by expertise, with conflicts and current load attached."""
    ranked = [(p.user, m) for p, m in reviewer_matches(challenge, CANDIDATES_PER_CHALLENGE)]
    reviewers = [user for user, _ in ranked]
    conflicts = conflicts_for(challenge, reviewers)
    load = active_load([r.id for r in reviewers])
    return [Candidate(user, match, conflicts.get(user.id, ""), load.get(user.id, 0))
            for user, match in ranked]


def propose_panels(challenges: list[Challenge]) -> tuple[list[PanelPlan], Assignment]:
    """Maximise total match score over many 榜 at once, within conflicts, seats and load."""
    max_load = current_app.config["REVIEWER_MAX_LOAD"]
    plans = [PanelPlan(c, seats_taken(c), candidates_for(c)) for c in challenges]
    scores, conflicts, load = {}, [], {}
    for plan in plans:
        seated = {s.reviewer_id for s in plan.seated}
        scores[plan.challenge.id] = {cand.reviewer.id: cand.match.score
                                     for cand in plan.candidates if cand.reviewer.id not in seated}
        conflicts += [(plan.challenge.id, cand.reviewer.id) for cand in plan.candidates
                      if cand.conflict]
        load.update({cand.reviewer.id: cand.load for cand in plan.candidates})
    result = assign_reviewers(
        scores, reviewers_per_need=0, max_load=max_load, conflicts=conflicts,
        seats={plan.challenge.id: plan.open_seats for plan in plans}, load=load,
        time_limit=10.0)
    chosen = result.by_need()
    for plan in plans:
        plan.proposed = chosen.get(plan.challenge.id, [])
    problems = [_titled(p, plans) for p in result.problems]
    return plans, Assignment(result.pairs, result.total_score, problems)


def _titled(problem: Shortfall, plans: list[PanelPlan]) -> str:
    """The solver's message in the reader's language, naming 榜 by title rather than by id."""
    english = current() == "en"
    titles = {plan.challenge.id: plan.challenge.face_title(english) for plan in plans}

    def quoted(challenge_id) -> str:
        title = titles.get(challenge_id, str(challenge_id))
        return f"“{title}”" if english else f"「{title}」"

    params = dict(problem.params)
    if "need_id" in params:
        params["need"] = quoted(params["need_id"])
    if "need_ids" in params:
        params["needs"] = punctuation("、").join(quoted(i) for i in params["need_ids"])
    if "reviewer_ids" in params:
        names = {cand.reviewer.id: cand.reviewer.name for plan in plans for cand in plan.candidates}
        ids = params["reviewer_ids"]
        shown = punctuation("、").join(names.get(i, str(i)) for i in ids[:MAX_NAMES])
        params["reviewers"] = (shown if len(ids) <= MAX_NAMES
                               else _("%(names)s 等 %(n)d 位", names=shown, n=len(ids)))
    return _(problem.template, **params)


def match_score(challenge: Challenge, reviewer: User) -> int:
    """The matcher's 0–100 score of *reviewer* for this 榜, as the panel pages show it; 0 when
    the reviewer is not among the 榜's candidates."""
    for profile, match in reviewer_matches(challenge, CANDIDATES_PER_CHALLENGE):
        if profile.user_id == reviewer.id:
            return round(match.score)
    return 0


def seat_reviewer(challenge: Challenge, reviewer: User, actor: User) -> ReviewAssignment:
    """Give one reviewer a seat, checking every rule on the server; audited and notified. The
    seat records the match score computed here, never one a form posted."""
    # The 榜 guards its panel's size, the reviewer their load; locked in that order (as
    # lock_panels does) so that two admins seating at once wait rather than deadlock.
    lock_for_write(Challenge, challenge.id)
    lock_for_write(User, reviewer.id)
    if challenge.state is not ChallengeState.REVIEWING:
        raise Refused(_("只有评审中的榜可以分配评审专家。"))
    if reviewer.role is not Role.REVIEWER or not reviewer.active:
        raise Refused(_("%(name)s 不是在册的评审专家。", name=reviewer.name))
    conflict = conflicts_for(challenge, [reviewer]).get(reviewer.id)
    if conflict:
        raise Refused(_("%(name)s 须回避「%(title)s」：%(why)s。",
                           name=reviewer.name, title=challenge.title, why=conflict))
    existing = db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.challenge_id == challenge.id, ReviewAssignment.reviewer_id == reviewer.id))
    if existing is not None:
        raise Refused(_("%(name)s 已在「%(title)s」的评审组中。", name=reviewer.name,
                           title=challenge.title))
    max_load = current_app.config["REVIEWER_MAX_LOAD"]
    if active_load([reviewer.id]).get(reviewer.id, 0) >= max_load:
        raise Refused(_("%(name)s 已承担 %(n)d 个榜的评审，达到上限。", name=reviewer.name, n=max_load))
    if len(seats_taken(challenge)) >= challenge.reviewers_required:
        raise Refused(_("「%(title)s」的评审组已满（%(n)d 人）。", title=challenge.title,
                           n=challenge.reviewers_required))
    seat = ReviewAssignment(challenge_id=challenge.id, reviewer_id=reviewer.id,
                            assigned_by_id=actor.id, match_score=match_score(challenge, reviewer))
    db.session.add(seat)
    db.session.flush()
    record(seat, "assign", actor, to_state=PanelSeatState.ASSIGNED,
           changes={"challenge": [None, challenge.id], "reviewer": [None, reviewer.id]})
    db.session.add(Notification(user_id=reviewer.id, link=challenge_link(challenge),
                                message=_l("您被邀请评审「%(title)s」。如有利益冲突请声明回避。",
                                          title=challenge.title)))
    return seat


def lock_panels(challenge_ids, reviewer_ids) -> None:
    """Lock every 榜 and then every reviewer a batch of seats touches, before seating any."""
    lock_for_write(Challenge, *challenge_ids)
    lock_for_write(User, *reviewer_ids)


def set_panel_size(challenge: Challenge, size: int, actor: User) -> None:
    if size < 1 or size > 15:
        raise Refused(_("评审人数应在 1 到 15 之间。"))
    lock_for_write(Challenge, challenge.id)
    seated = len(seats_taken(challenge))
    if size < seated:
        raise Refused(_("已有 %(n)d 名评审专家，人数不能少于此数。", n=seated))
    if size != challenge.reviewers_required:
        record(challenge, "set_panel_size", actor,
               changes={"reviewers_required": [challenge.reviewers_required, size]})
        challenge.reviewers_required = size
