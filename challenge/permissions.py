"""Who may do what: `can_<verb>(user, obj) -> bool`, used by views and templates alike."""

from sqlalchemy import select

from .extensions import db
from .models import AccessGrant, Challenge, ChallengeInvitation, ReviewAssignment
from .states import (
    EDITABLE_BY_ISSUER,
    PUBLIC_STATES,
    AccessState,
    ChallengeState,
    Confidentiality,
    PanelSeatState,
    Role,
)


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
    return db.session.scalar(select(AccessGrant).where(
        AccessGrant.challenge_id == challenge.id, AccessGrant.user_id == user.id))


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


def can_view_challenge(user, challenge: Challenge) -> bool:
    """The public face: listed states for everyone, 定向 only for invitees and its panel."""
    if is_admin(user) or is_issuer(user, challenge) or is_panel_member(user, challenge):
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
    return (is_admin(user) or is_issuer(user, challenge) or is_panel_member(user, challenge)
            or has_body_access(user, challenge))


def can_request_access(user, challenge: Challenge) -> bool:
    return (signed_in(user) and user.role is Role.SOLVER and challenge.is_confidential
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


def can_edit_challenge(user, challenge: Challenge) -> bool:
    if is_issuer(user, challenge):
        return challenge.state in EDITABLE_BY_ISSUER
    return is_admin(user) and challenge.state is ChallengeState.SCREENING


def can_post(user) -> bool:
    return signed_in(user) and user.role is Role.ENTERPRISE
