"""Who may do what: `can_<verb>(user, obj) -> bool`, used by views and templates alike."""

from flask import g
from sqlalchemy import select

from .extensions import db
from .models import (
    AccessGrant,
    BodyAppointment,
    Challenge,
    ChallengeInvitation,
    ReviewAssignment,
    ReviewPledge,
)
from .states import (
    EDITABLE_BY_ISSUER,
    PUBLIC_STATES,
    RESULT_STATES,
    AccessState,
    BodyPurpose,
    ChallengeState,
    Confidentiality,
    JoinState,
    OrgState,
    PanelSeatState,
    ProposalState,
    Role,
)
from .workflow import allowed, problems


def signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_admin(user) -> bool:
    return signed_in(user) and user.role is Role.ADMIN


def is_issuer(user, challenge: Challenge) -> bool:
    return (signed_in(user) and user.role is Role.ENTERPRISE
            and user.organization_id == challenge.issuer_org_id)


def is_invited(user, challenge: Challenge) -> bool:
    if not signed_in(user):
        return False
    return db.session.scalar(select(ChallengeInvitation.id).where(
        ChallengeInvitation.challenge_id == challenge.id,
        ChallengeInvitation.user_id == user.id)) is not None


def grant_for(user, challenge: Challenge) -> AccessGrant | None:
    if not signed_in(user):
        return None
    known = g.get("prefetched_grants")
    if known is not None and (user.id, challenge.id) in known:
        return known[(user.id, challenge.id)]
    return db.session.scalar(select(AccessGrant).where(
        AccessGrant.challenge_id == challenge.id, AccessGrant.user_id == user.id))


def prefetch_grants(user, challenges) -> None:
    """One query for this user's grants on a page of 榜 (lists would ask once per 榜); valid
    for the rest of the request, which changes no grant."""
    if not signed_in(user) or not challenges:
        return
    ids = [c.id for c in challenges]
    found = {grant.challenge_id: grant for grant in db.session.scalars(select(AccessGrant).where(
        AccessGrant.user_id == user.id, AccessGrant.challenge_id.in_(ids)))}
    known = g.setdefault("prefetched_grants", {})
    known.update({(user.id, cid): found.get(cid) for cid in ids})


def has_body_access(user, challenge: Challenge) -> bool:
    """Granted and the confidentiality undertaking accepted."""
    grant = grant_for(user, challenge)
    return bool(grant and grant.state is AccessState.GRANTED and grant.undertaking_accepted_at)


def is_panel_member(user, challenge: Challenge) -> bool:
    if not signed_in(user) or user.role is not Role.REVIEWER:
        return False
    return db.session.scalar(select(ReviewAssignment.id).where(
        ReviewAssignment.challenge_id == challenge.id, ReviewAssignment.reviewer_id == user.id,
        ReviewAssignment.state == PanelSeatState.ASSIGNED)) is not None


def is_sitting_panel_member(user, challenge: Challenge) -> bool:
    """A seated reviewer while the panel works: the 榜 is under review (评审中). With the
    decision (公示 opens) or any other end of the review, the body and the bids close to them."""
    return challenge.state is ChallengeState.REVIEWING and is_panel_member(user, challenge)


def has_pledged(user, challenge: Challenge) -> bool:
    """The reviewer has signed the 评审承诺书 for their live seat on this 榜's panel."""
    if not signed_in(user):
        return False
    return db.session.scalar(select(ReviewPledge.id).join(
        ReviewAssignment, ReviewAssignment.id == ReviewPledge.seat_id).where(
        ReviewAssignment.challenge_id == challenge.id, ReviewAssignment.reviewer_id == user.id,
        ReviewAssignment.state == PanelSeatState.ASSIGNED)) is not None


def is_pledged_panel_member(user, challenge: Challenge) -> bool:
    """A sitting panel member who has signed the pledge: only they read the bids and a
    confidential body (SPEC §13)."""
    return is_sitting_panel_member(user, challenge) and has_pledged(user, challenge)


def is_appointed_body(user, challenge: Challenge, purpose: BodyPurpose | None = None) -> bool:
    """A third-party professional body (专业机构) the bureau appointed to this 榜 (for *purpose*,
    else for any), and the appointment not ended."""
    if not signed_in(user) or user.role is not Role.BODY or not user.active:
        return False
    query = select(BodyAppointment.id).where(
        BodyAppointment.challenge_id == challenge.id, BodyAppointment.body_id == user.id,
        BodyAppointment.ended_at.is_(None))
    if purpose is not None:
        query = query.where(BodyAppointment.purpose == purpose)
    return db.session.scalar(query.limit(1)) is not None


def can_view_challenge(user, challenge: Challenge) -> bool:
    """The public face: listed states for everyone, 定向 only for invitees, its panel and the
    bodies appointed to it."""
    if (is_admin(user) or is_issuer(user, challenge) or is_panel_member(user, challenge)
            or is_appointed_body(user, challenge)):
        return True
    if challenge.state not in PUBLIC_STATES:
        return False
    if challenge.confidentiality is Confidentiality.DIRECTED:
        return is_invited(user, challenge)
    return True


def can_see_issuer(user, challenge: Challenge) -> bool:
    if challenge.confidentiality is Confidentiality.PUBLIC:
        return True
    return is_admin(user) or is_issuer(user, challenge) or has_body_access(user, challenge)


def can_view_body(user, challenge: Challenge) -> bool:
    if not can_view_challenge(user, challenge):
        return False
    if challenge.confidentiality is Confidentiality.PUBLIC:
        return True
    return (is_admin(user) or is_issuer(user, challenge)
            or is_pledged_panel_member(user, challenge) or has_body_access(user, challenge)
            or is_appointed_body(user, challenge))


def can_request_access(user, challenge: Challenge) -> bool:
    return (signed_in(user) and user.role is Role.SOLVER and challenge.is_confidential
            and user.organization_id is not None  # admitted to an organisation first
            and challenge.state is ChallengeState.OPEN and can_view_challenge(user, challenge)
            and grant_for(user, challenge) is None)


def can_accept_undertaking(user, challenge: Challenge) -> bool:
    grant = grant_for(user, challenge)
    return bool(grant and grant.state is AccessState.GRANTED and not grant.undertaking_accepted_at)


def can_manage_access(user, challenge: Challenge) -> bool:
    """Answer requests, invite, and read the access log."""
    return challenge.is_confidential and (is_admin(user) or is_issuer(user, challenge))


def can_invite(user, challenge: Challenge) -> bool:
    """Invite solvers while the 榜 is open (before that an invitee could not open it)."""
    return ((is_admin(user) or is_issuer(user, challenge))
            and challenge.state is ChallengeState.OPEN)


def can_see_recommendations(user, challenge: Challenge) -> bool:
    return is_admin(user) or is_issuer(user, challenge)


def can_see_reviewers(user, challenge: Challenge) -> bool:
    """Who reviews (or may review) a 榜 — names, organisations, addresses — is the bureau's to
    know: the issuer sees a reviewer as 评审专家 only, and no reviewer among its recommendations."""
    return is_admin(user)


def can_edit_challenge(user, challenge: Challenge) -> bool:
    if is_issuer(user, challenge):
        return challenge.state in EDITABLE_BY_ISSUER
    return is_admin(user) and challenge.state is ChallengeState.SCREENING


def is_bidder(user, proposal) -> bool:
    """A solver of the bid's lead organization: they see and act for the bid, nobody else's."""
    return (signed_in(user) and user.role is Role.SOLVER
            and user.organization_id == proposal.lead_org_id)


def can_view_proposal(user, proposal) -> bool:
    if is_admin(user) or is_bidder(user, proposal):
        return True
    if proposal.state in (ProposalState.DRAFT, ProposalState.WITHDRAWN):
        return False
    if proposal.state is ProposalState.QUALIFIED and is_pledged_panel_member(
            user, proposal.challenge):
        return True  # the panel reads the bids it scores, while it scores them, once pledged
    # The issuer sees bids only once the claim deadline has passed.
    return is_issuer(user, proposal.challenge) and proposal.challenge.state is not ChallengeState.OPEN


def can_edit_proposal(user, proposal) -> bool:
    return (is_bidder(user, proposal) and user.active
            and proposal.state in (ProposalState.DRAFT, ProposalState.SUBMITTED)
            and proposal.challenge.is_open_for_bids())


def can_withdraw_proposal(user, proposal) -> bool:
    return can_edit_proposal(user, proposal) and allowed(proposal, "withdraw", user)


def can_list_bids(user, challenge: Challenge) -> bool:
    """The bids on a 榜: the bureau always, the issuer after the deadline."""
    return is_admin(user) or (is_issuer(user, challenge)
                              and challenge.state not in (ChallengeState.DRAFT,
                                                          ChallengeState.SCREENING,
                                                          ChallengeState.OPEN))



def can_ask_question(user, challenge: Challenge) -> bool:
    """答疑: an active solver who can see the 榜, while it is open."""
    return (signed_in(user) and user.role is Role.SOLVER and user.active
            and challenge.state is ChallengeState.OPEN and can_view_challenge(user, challenge))


def can_answer_question(user, question) -> bool:
    """Answer (or edit the answer to) a question: the issuer or an admin, while the 榜 is open."""
    challenge = question.challenge
    return (signed_in(user) and user.active and challenge.state is ChallengeState.OPEN
            and (is_admin(user) or is_issuer(user, challenge)))


def can_view_results(user, challenge: Challenge) -> bool:
    """公示 and after: the results page, for whoever may see the 榜 itself."""
    return challenge.state in RESULT_STATES and can_view_challenge(user, challenge)


def can_object(user, challenge: Challenge, now=None) -> bool:
    """异议: any active signed-in user who sees the results, until the 公示 period ends."""
    return (signed_in(user) and user.active and challenge.publicity_open(now)
            and can_view_challenge(user, challenge))


def can_decide(user, challenge: Challenge) -> bool:
    """The bureau picks the winners of a 榜 under review."""
    return is_admin(user) and challenge.state is ChallengeState.REVIEWING


def can_decline_seat(user, seat) -> bool:
    """回避: the seated reviewer (or the bureau for them) while the panel still works (the
    decline guard's own rule)."""
    return signed_in(user) and not problems(seat, "decline", user)


# -- 奖榜 ---------------------------------------------------------------------------------

def is_contract_solver(user, contract) -> bool:
    """A solver of the organization that holds the contract."""
    return (signed_in(user) and user.role is Role.SOLVER
            and user.organization_id == contract.solver_org_id)


def can_view_contract(user, contract) -> bool:
    """The bureau, the issuing enterprise and the contracted solver organization; nobody else
    (amounts and outcomes are public on the results page, the working file is not)."""
    return is_admin(user) or is_issuer(user, contract.challenge) or is_contract_solver(user, contract)


# -- third-party professional bodies (专业机构) ---------------------------------------------

# When a finding for each purpose can be recorded: a screening opinion while the 榜 is screened,
# open or under review; acceptance testing while it is contracted (before 验收 is decided);
# performance evaluation from signing on, also after a failure.
FINDING_STATES = {
    BodyPurpose.SCREENING: frozenset({ChallengeState.SCREENING, ChallengeState.OPEN,
                                      ChallengeState.REVIEWING}),
    BodyPurpose.ACCEPTANCE: frozenset({ChallengeState.CONTRACTED}),
    BodyPurpose.EVALUATION: frozenset({ChallengeState.CONTRACTED, ChallengeState.ACCEPTED,
                                       ChallengeState.AWARDED, ChallengeState.CLOSED,
                                       ChallengeState.FAILED}),
}


def can_record_finding(user, challenge: Challenge, purpose: BodyPurpose) -> bool:
    """The body appointed for *purpose* records its finding; the bureau records an expert
    panel's; both only while the 榜 is at that stage."""
    if challenge.state not in FINDING_STATES[purpose]:
        return False
    return is_admin(user) or is_appointed_body(user, challenge, purpose)


def can_manage_bodies(user, challenge: Challenge) -> bool:
    """Appoint bodies to a 榜, end appointments, adopt or override findings: the bureau."""
    return is_admin(user) and challenge.state not in (ChallengeState.DRAFT,
                                                      ChallengeState.WITHDRAWN)


def can_view_finding(user, finding) -> bool:
    """The bureau, and the body that recorded it while still appointed to the 榜."""
    return is_admin(user) or (finding.body_id == getattr(user, "id", None)
                              and is_appointed_body(user, finding.challenge))


def can_read_acceptance(user, contract) -> bool:
    """A contract's 验收 file and its milestone and evidence files: whoever sees the contract,
    and a body appointed to its 榜 for acceptance testing or performance evaluation (it reads
    them for its finding and acts on none of them)."""
    return can_view_contract(user, contract) or any(
        is_appointed_body(user, contract.challenge, purpose)
        for purpose in (BodyPurpose.ACCEPTANCE, BodyPurpose.EVALUATION))


# -- organisations and membership -----------------------------------------------------------

MEMBER_ROLES = (Role.ENTERPRISE, Role.SOLVER)


def is_org_admin(user, org=None) -> bool:
    """单位管理员 of *org* (of their own organisation when *org* is None)."""
    return (signed_in(user) and user.active and user.role in MEMBER_ROLES and user.org_admin
            and user.organization_id is not None
            and (org is None or user.organization_id == org.id))


def can_draft_challenge(user) -> bool:
    """An enterprise account admitted to an organisation drafts 榜 (publishing needs it verified)."""
    return signed_in(user) and user.role is Role.ENTERPRISE and user.organization_id is not None


def can_manage_members(user, org) -> bool:
    """Invite, answer join requests, remove members, hand over the admin role."""
    return is_org_admin(user, org)


def can_upload_licence(user, org) -> bool:
    return is_org_admin(user, org) and org.state in (OrgState.PENDING, OrgState.RETURNED)


def can_resubmit_org(user, org) -> bool:
    return is_org_admin(user, org) and org.state is OrgState.RETURNED


def can_decide_join(user, request) -> bool:
    return request.state is JoinState.PENDING and (
        is_admin(user) or is_org_admin(user, request.organization))


def can_remove_member(user, member) -> bool:
    """The org admin removes another enterprise or solver account of the organisation."""
    return (member.organization_id is not None and is_org_admin(user, member.organization)
            and member.id != user.id and member.role in MEMBER_ROLES)


def can_hand_over(user, member) -> bool:
    return can_remove_member(user, member) and member.active


def can_verify_org(user, org) -> bool:
    return is_admin(user) and org.state is OrgState.PENDING


def can_view_licence(user, org) -> bool:
    """The licence is a legal document of the organisation: the bureau alone reads it."""
    return is_admin(user) and org.has_licence


# -- integrity (失信) findings (challenge/integrity) ----------------------------------------

def is_finding_party(user, record) -> bool:
    """The person a finding names, or an admitted member of the organisation it names."""
    if not signed_in(user):
        return False
    if record.user_id is not None:
        return user.id == record.user_id
    return user.role in MEMBER_ROLES and user.organization_id == record.organization_id


def can_object_to_finding(user, record) -> bool:
    """Once: the person, or the recorded organisation's admin, while no objection is on file."""
    if record.objected_at is not None or not signed_in(user):
        return False
    if record.user_id is not None:
        return user.id == record.user_id
    return is_org_admin(user) and user.organization_id == record.organization_id


def can_answer_objection(user, record) -> bool:
    return is_admin(user) and record.objected_at is not None and record.answered_at is None
# -- outcome reports (challenge/outcomes) --------------------------------------------------

def can_report_outcome(user, report) -> bool:
    """Only the contract's own parties, each for its own report: a solver of the contracted
    organisation reports the solver's, a member of the issuing enterprise the enterprise's."""
    if not (signed_in(user) and user.active and user.organization_id == report.organization_id):
        return False
    return user.role is (Role.SOLVER if report.party == "solver" else Role.ENTERPRISE)
