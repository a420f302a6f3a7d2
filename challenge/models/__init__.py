"""Shared entities; import from here."""

from .access import AccessGrant, AccessLog
from .audit import AuditEvent, AuditImmutableError
from .challenge import Challenge, ChallengeIndicator, ChallengeInvitation
from .expert import ExpertProfile
from .notification import Notification
from .organization import Organization
from .user import User

__all__ = [
    "AccessGrant", "AccessLog", "AuditEvent", "AuditImmutableError", "Challenge",
    "ChallengeIndicator", "ChallengeInvitation", "ExpertProfile", "Notification",
    "Organization", "User",
]
