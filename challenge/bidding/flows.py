"""揭榜 flows: a bid's workflow (submitting, resubmitting, withdrawing, the eligibility check),
registered with the door. Selecting and rejecting bids are 评榜's (reviewing/flows.py)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Proposal, ProposalVersion, User
from ..notices import tell
from ..states import PROPOSAL_TRANSITIONS, ChallengeState, Role
from ..workflow import Context, Workflow, register
from .rules import eligibility_problems, snapshot, submission_problems


def owns_proposal(user: User, proposal: Proposal) -> bool:
    """Solvers of the lead organization act for the bid."""
    return user.role is Role.SOLVER and user.organization_id == proposal.lead_org_id


PROPOSAL = register(Workflow(Proposal, PROPOSAL_TRANSITIONS, owns_proposal))


def complete_and_eligible(p: Proposal, ctx: Context) -> list[str]:
    """A whole bid, before the deadline, from an organization eligible to bid on the 榜."""
    return submission_problems(p, ctx.now) + eligibility_problems(ctx.actor, p.challenge, p)


def before_deadline(p: Proposal, ctx: Context) -> list[str]:
    """The 榜 is still open for bids."""
    return [] if p.challenge.is_open_for_bids(ctx.now) else [_("揭榜已截止，不能再修改或撤回方案。")]


def under_review(p: Proposal, ctx: Context) -> list[str]:
    """The 榜 is under review (评审中)."""
    if p.challenge.state is not ChallengeState.REVIEWING:
        return [_("只有截止揭榜、进入评审的榜才能做资格审查。")]
    return []


def record_version(p: Proposal, ctx: Context) -> None:
    """Stamps submitted_at and keeps the bid as submitted as a new version."""
    p.submitted_at = ctx.now
    p.version_no += 1
    p.commitment_accepted_at = p.commitment_accepted_at or ctx.now
    db.session.add(ProposalVersion(proposal=p, number=p.version_no, submitted_at=ctx.now,
                                   snapshot=snapshot(p)))


def note_eligibility(p: Proposal, ctx: Context) -> None:
    """Keeps the reason as the eligibility note."""
    p.eligibility_note = ctx.reason


def the_bidder(p: Proposal) -> list[int]:
    """the bid's team lead"""
    return [p.team_lead_id]


def tell_bidder(message):
    return tell(message, the_bidder, lambda p: f"/proposals/{p.id}")


(PROPOSAL
 .on("submit", guard=complete_and_eligible, effect=record_version)
 .on("resubmit", guard=complete_and_eligible, effect=record_version)
 .on("withdraw", guard=before_deadline)
 .on("qualify", guard=under_review, effect=note_eligibility,
     notice=tell_bidder(_l("您在「%(title)s」的揭榜方案通过资格审查，进入评审。")))
 .on("disqualify", guard=under_review, effect=note_eligibility,
     notice=tell_bidder(_l("您在「%(title)s」的揭榜方案未通过资格审查：%(reason)s"))))
