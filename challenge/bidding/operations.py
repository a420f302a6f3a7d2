"""揭榜 operations: write the bid and its rows, audit, and pass state changes to the door."""

from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import Refused
from ..extensions import db
from ..integrity.rules import organization_problem
from ..locking import lock_for_write
from ..models import (
    Challenge,
    IndicatorResponse,
    Organization,
    Proposal,
    ProposalAttachment,
    ProposalMilestone,
    ProposalPartner,
    User,
)
from ..states import ProposalState
from ..timeutil import utcnow
from ..uploads import UploadError, remove_when_deleted, store_upload, stored_path
from ..workflow import perform, record
from .rules import live_proposal_of

MAX_ATTACHMENTS = 20


def _one_bid() -> str:
    return _("贵单位已在本榜有一份揭榜方案，每个单位只能作为牵头单位揭榜一次。")


def _apply(proposal: Proposal, values: dict) -> list[str]:
    """Write the form's values; return the names of what changed (the content stays private)."""
    changed = []
    values = {"declared_conflicts": proposal.declared_conflicts or "", **values}  # optional
    for name in ("title", "technical_approach", "requested_fen", "budget", "members",
                 "declared_conflicts"):
        if getattr(proposal, name) != values[name]:
            changed.append(name)
            setattr(proposal, name, values[name])
    partners = [(p["organization"], p["role"]) for p in values["partners"]]
    if [(p.organization_name, p.role) for p in proposal.partners] != partners:
        changed.append("partners")
        proposal.partners = [
            ProposalPartner(position=n, organization_name=name, role=role,
                            organization_id=db.session.scalar(
                                select(Organization.id).where(Organization.name == name)))
            for n, (name, role) in enumerate(partners)]
    responses = values["responses"]
    current = {r.indicator_id: (r.committed_value, r.evidence_plan) for r in proposal.responses}
    known = {i.id for i in proposal.challenge.indicators}
    wanted = {k: v for k, v in responses.items() if k in known}
    if current != wanted:
        changed.append("responses")
        # Changed in place, not replaced: the unit of work inserts before it deletes, and
        # (proposal_id, indicator_id) is unique (migration 0013).
        kept = {r.indicator_id: r for r in proposal.responses if r.indicator_id in wanted}
        for indicator_id, (value, plan) in wanted.items():
            response = kept.get(indicator_id) or IndicatorResponse(indicator_id=indicator_id)
            response.committed_value, response.evidence_plan = value, plan
            kept[indicator_id] = response
        proposal.responses = [kept[k] for k in wanted]
    milestones = [(m["title"], m["due_on"], m["deliverable"], m["share_bp"])
                  for m in values["milestones"]]
    if [(m.title, m.due_on, m.deliverable, m.share_bp) for m in proposal.milestones] != milestones:
        changed.append("milestones")
        proposal.milestones = [ProposalMilestone(position=n, title=t, due_on=d, deliverable=dl,
                                                 share_bp=s) for n, (t, d, dl, s) in enumerate(milestones)]
    if values["commitment"] and proposal.commitment_accepted_at is None:
        proposal.commitment_accepted_at = utcnow()
        changed.append("commitment")
    elif not values["commitment"] and proposal.commitment_accepted_at is not None:
        proposal.commitment_accepted_at = None
        changed.append("commitment")
    return changed


def start_proposal(challenge: Challenge, user: User, values: dict) -> Proposal:
    """A new draft bid led by the user's organization (one live bid per organization)."""
    # Members of one organization bidding at once: the second waits here, then is told.
    lock_for_write(Organization, user.organization_id)
    if live_proposal_of(user.organization_id, challenge) is not None:
        raise Refused(_one_bid())
    barred = organization_problem(user.organization_id, user.organization.name)
    if barred:
        raise Refused(barred)
    proposal = Proposal(challenge=challenge, lead_org_id=user.organization_id,
                        team_lead_id=user.id, state=ProposalState.DRAFT, title="",
                        technical_approach="", requested_fen=0, budget=[], members=[])
    # Built without autoflush, so the insert happens inside the savepoint: the partial unique
    # index stays the backstop for any path that does not take the lock.
    with db.session.no_autoflush:
        db.session.add(proposal)
        _apply(proposal, values)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Refused(_one_bid()) from None
    record(proposal, "create", user, to_state=ProposalState.DRAFT,
           changes={"challenge": [None, challenge.id]})
    return proposal


def update_proposal(proposal: Proposal, user: User, values: dict) -> list[str]:
    changed = _apply(proposal, values)
    if changed:
        record(proposal, "edit", user, changes={"fields": [None, changed]})
    return changed


def submit_proposal(proposal: Proposal, user: User) -> None:
    """First submission or a resubmission; either keeps a frozen version."""
    db.session.flush()
    db.session.refresh(proposal)
    action = "submit" if proposal.state is ProposalState.DRAFT else "resubmit"
    perform(proposal, action, user)


def add_attachment(proposal: Proposal, user: User, upload) -> ProposalAttachment:
    lock_for_write(Proposal, proposal.id)  # its attachment count
    if len(proposal.attachments) >= MAX_ATTACHMENTS:
        raise Refused(_("每份方案最多 %(n)d 个附件。", n=MAX_ATTACHMENTS))
    try:
        stored = store_upload(upload, "proposals")
    except UploadError as exc:
        raise Refused(str(exc)) from None
    attachment = ProposalAttachment(proposal=proposal, original_name=stored.original_name,
                                    stored_name=stored.stored_name,
                                    content_type=stored.content_type, size=stored.size,
                                    uploaded_by_id=user.id)
    db.session.add(attachment)
    db.session.flush()
    record(proposal, "attach", user, changes={"attachment": [None, attachment.original_name]})
    return attachment


def remove_attachment(attachment: ProposalAttachment, user: User) -> None:
    record(attachment.proposal, "detach", user,
           changes={"attachment": [attachment.original_name, None]})
    db.session.delete(attachment)


def attachment_path(attachment: ProposalAttachment) -> Path:
    return stored_path("proposals", attachment.stored_name)


remove_when_deleted(ProposalAttachment, "proposals")  # a deleted attachment leaves the disk
