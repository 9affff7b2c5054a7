"""The domain vocabulary, one module per aggregate; importing this registers every table."""

from transform.models.api_token import ApiToken
from transform.models.audit import AuditEvent
from transform.models.base import Adkar, Base, utcnow
from transform.models.feedback import (
    BarrierCategory,
    FeedbackEntry,
    FollowUp,
    FollowUpStatus,
    Resistance,
)
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
from transform.models.raid import RaidItem, RaidKind, RaidStatus
from transform.models.report import Report, ReportKind
from transform.models.survey import (
    Answer,
    Instrument,
    InstrumentKind,
    Item,
    Response,
    ResponseSource,
    SurveyLink,
    Wave,
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

__all__ = [
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
    "Phase",
    "PhaseStatus",
    "Programme",
    "ProgrammeStatus",
    "RaidItem",
    "RaidKind",
    "RaidStatus",
    "Report",
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
    "WaveTeam",
    "utcnow",
]
