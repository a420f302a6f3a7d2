"""Shared entities; import from here."""

from .access import AccessGrant, AccessLog
from .audit import AuditEvent, AuditImmutableError
from .award import (
    Acceptance,
    AcceptanceItem,
    AwardFile,
    Contract,
    ContractMilestone,
    LedgerEntry,
    LedgerImmutableError,
)
from .body import BodyAppointment, Finding, FindingFile, FindingItem
from .challenge import Challenge, ChallengeIndicator, ChallengeInvitation
from .change import ChallengeAddendum, ChallengeViewer, ChangeRequest, ContractVersion
from .diligence import Determination, DiligenceFile, IntegrityRecord, SpendReceipt
from .email import OutboundEmail
from .expert import ExpertProfile, ExpertWork
from .job import ExportJob, JobRun
from .notification import Notification
from .organization import JoinRequest, Organization, OrgInvitation
from .outcome import OutcomeReport
from .proposal import (
    IndicatorResponse,
    Proposal,
    ProposalAttachment,
    ProposalMilestone,
    ProposalPartner,
    ProposalVersion,
)
from .question import Question
from .review import (
    FlagAcknowledgement,
    Objection,
    PanelDraw,
    Review,
    ReviewAssignment,
    ReviewerRating,
    ReviewOpening,
    ReviewPledge,
    ReviewReminder,
)
from .user import RecoveryCode, User

__all__ = [
    "Acceptance", "AcceptanceItem", "AwardFile", "Contract", "ContractMilestone", "LedgerEntry",
    "LedgerImmutableError",
    "AccessGrant", "AccessLog", "AuditEvent", "AuditImmutableError", "Challenge",
    "ChallengeIndicator", "ChallengeInvitation", "ExpertProfile", "ExpertWork", "ExportJob",
    "JobRun", "Notification",
    "IndicatorResponse", "JoinRequest", "Organization", "OrgInvitation", "Proposal",
    "PanelDraw", "ProposalAttachment", "ProposalMilestone",
    "ProposalPartner", "ProposalVersion", "Question", "Objection", "OutboundEmail", "Review",
    "ReviewAssignment", "RecoveryCode", "User", "FlagAcknowledgement", "ReviewOpening",
    "ReviewerRating", "ReviewReminder", "ReviewPledge",
    "Determination", "DiligenceFile", "IntegrityRecord", "SpendReceipt",
    "BodyAppointment", "Finding", "FindingFile", "FindingItem",
    "ChallengeAddendum", "ChallengeViewer", "ChangeRequest", "ContractVersion",
    "OutcomeReport",
]
