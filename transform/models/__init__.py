"""The domain vocabulary, one module per aggregate; importing this registers every table."""

from transform.models.api_token import ApiToken
from transform.models.audit import AuditEvent
from transform.models.base import Adkar, Base, utcnow
from transform.models.benefit import (
    Initiative,
    InitiativeStage,
    StageMove,
    ValueEntry,
    ValueKind,
    ValueRebaseline,
    ValueType,
)
from transform.models.feedback import (
    BarrierCategory,
    FeedbackEntry,
    FollowUp,
    FollowUpStatus,
    Resistance,
)
from transform.models.import_job import ImportJob
from transform.models.job import Job, JobError, JobStatus
from transform.models.kpi import Checkpoint, Direction, Kpi, KpiRebaseline, Perspective
from transform.models.methodology import (
    MethodologyTemplate,
    TemplateActivity,
    TemplateGateCriterion,
    TemplatePhase,
)
from transform.models.people import Membership, Role, User
from transform.models.phase import (
    Activity,
    Evidence,
    Gate,
    GateCriterion,
    GateCriterionKind,
    GateDecision,
    GateDecisionKind,
    GateStatus,
    IllegalTransition,
    Phase,
    PhaseStatus,
)
from transform.models.programme import Programme, ProgrammeStatus
from transform.models.raid import EXTERNAL_REF_MAX, RaidItem, RaidKind, RaidStatus
from transform.models.report import Report, ReportKind
from transform.models.roster import MailState, RosterEntry, WaveMailing
from transform.models.source_ids import SourceIdHash, SourceIdSalt
from transform.models.survey import (
    Answer,
    Instrument,
    InstrumentKind,
    Item,
    Response,
    ResponseSource,
    SurveyLink,
    Wave,
    WaveCollection,
    WaveGroup,
    WaveStatus,
    WaveTeam,
)
from transform.models.team import (
    AgentAssignment,
    ImpactAspect,
    ImpactedTeam,
    ImpactLevel,
    ImpactScore,
    Team,
    TrainingRecord,
)
from transform.models.translation import InstrumentTranslation, ItemTranslation
from transform.models.webhook import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent

__all__ = [
    "ImportJob",
    "MailState",
    "RosterEntry",
    "WaveMailing",
    "InstrumentTranslation",
    "ItemTranslation",
    "ValueType",
    "ValueRebaseline",
    "ValueKind",
    "ValueEntry",
    "StageMove",
    "InitiativeStage",
    "Initiative",
    "ApiToken",
    "Activity",
    "Adkar",
    "AgentAssignment",
    "Answer",
    "AuditEvent",
    "BarrierCategory",
    "Base",
    "Checkpoint",
    "Direction",
    "Evidence",
    "FeedbackEntry",
    "FollowUp",
    "FollowUpStatus",
    "Gate",
    "GateCriterion",
    "GateCriterionKind",
    "GateDecision",
    "GateDecisionKind",
    "GateStatus",
    "IllegalTransition",
    "ImpactAspect",
    "ImpactLevel",
    "ImpactScore",
    "ImpactedTeam",
    "Instrument",
    "InstrumentKind",
    "Item",
    "Kpi",
    "KpiRebaseline",
    "Membership",
    "MethodologyTemplate",
    "Perspective",
    "Job",
    "JobError",
    "JobStatus",
    "Phase",
    "PhaseStatus",
    "Programme",
    "ProgrammeStatus",
    "RaidItem",
    "RaidKind",
    "RaidStatus",
    "Report",
    "SourceIdHash",
    "SourceIdSalt",
    "ReportKind",
    "Resistance",
    "Response",
    "ResponseSource",
    "Role",
    "SurveyLink",
    "Team",
    "TemplateActivity",
    "TemplateGateCriterion",
    "TemplatePhase",
    "TrainingRecord",
    "User",
    "Wave",
    "WaveStatus",
    "WaveCollection",
    "WaveGroup",
    "WaveTeam",
    "DeliveryStatus",
    "EXTERNAL_REF_MAX",
    "Webhook",
    "WebhookDelivery",
    "WebhookEvent",
    "utcnow",
]
