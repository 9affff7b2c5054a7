"""The built-in methodology templates, as plain data, and their idempotent installation."""

from dataclasses import dataclass

from sqlalchemy import select

from transform.extensions import db
from transform.models import (
    GateCriterionKind,
    MethodologyTemplate,
    TemplateActivity,
    TemplateGateCriterion,
    TemplatePhase,
)

BACKOFFICE_TEMPLATE_NAME = "Back-office optimisation (4 phases)"
OUTSOURCING_TEMPLATE_NAME = "Outsourcing (5 phases)"


@dataclass(frozen=True)
class CriterionSpec:
    text: str
    kind: GateCriterionKind = GateCriterionKind.CHECKLIST
    threshold: float | None = None


@dataclass(frozen=True)
class PhaseSpec:
    name: str
    description: str
    duration_weeks: int
    activities: tuple[str, ...]
    #: Deliverables follow the activities in the phase's list.
    deliverables: tuple[str, ...]
    criteria: tuple[CriterionSpec, ...]


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    description: str
    phases: tuple[PhaseSpec, ...]


def _checklist(*texts: str) -> tuple[CriterionSpec, ...]:
    return tuple(CriterionSpec(text) for text in texts)


RESPONSE_MINIMUM = CriterionSpec(
    "Each impacted team reached the anonymity minimum of survey responses",
    GateCriterionKind.RESPONSE_MINIMUM,
)
NO_EARLY_BARRIER = CriterionSpec(
    "No impacted team's ADKAR barrier point at Awareness or Desire",
    GateCriterionKind.NO_EARLY_BARRIER,
)
READINESS_MINIMUM = CriterionSpec(
    "Readiness index of every high-impact team at least 60",
    GateCriterionKind.READINESS_MINIMUM,
    threshold=60,
)

BACKOFFICE = TemplateSpec(
    name=BACKOFFICE_TEMPLATE_NAME,
    description=(
        "Assess how back-office work is done today, redesign it, put the supporting "
        "technology in, and train and support people until the new way of working sticks."
    ),
    phases=(
        PhaseSpec(
            name="Operational Assessment",
            description=(
                "Establish how work really flows today and what it costs. Ends with an "
                "agreed baseline and a clear list of the problems worth solving."
            ),
            duration_weeks=6,
            activities=(
                "Interview practice leaders, support managers and front-line staff",
                "Map current processes end to end, including hand-offs and rework loops",
                "Run the baseline readiness survey",
                "Identify bottlenecks, duplicated effort and sources of delay",
                "Assess the technology stack, integrations and data quality",
                "Baseline KPIs: turnaround time, productivity, cost and client satisfaction",
                "Assess the change impact on each team and confirm impact levels",
                "Recruit and brief the change agent network",
            ),
            deliverables=("Operational Assessment Report",),
            criteria=(
                *_checklist(
                    "Current-state process maps reviewed with each team lead",
                    "Baseline KPIs agreed with the sponsor and recorded",
                    "Impacted teams and impact levels confirmed",
                    "Operational Assessment Report accepted by the steering committee",
                ),
                RESPONSE_MINIMUM,
            ),
        ),
        PhaseSpec(
            name="Process Redesign",
            description=(
                "Design the future way of working with the people who will run it. Decides "
                "what to standardise, automate or stop, and how the change is communicated."
            ),
            duration_weeks=10,
            activities=(
                "Plan communications and stakeholder engagement",
                "Run the first adoption pulse survey",
                "Re-engineer priority workflows with the teams that run them",
                "Decide what to automate, standardise, centralise or stop",
                "Design the target operating model, roles and responsibilities",
                "Write business cases for automation and tooling candidates",
            ),
            deliverables=("Optimised process maps", "Change management toolkit"),
            criteria=(
                *_checklist(
                    "Target operating model signed off by practice and support leaders",
                    "Automation candidates prioritised with approved business cases",
                    "Communication plan approved by the sponsor",
                    "Optimised process maps validated by the teams who will use them",
                ),
                NO_EARLY_BARRIER,
            ),
        ),
        PhaseSpec(
            name="Technology Implementation",
            description=(
                "Select, configure and integrate the systems the new processes need, then "
                "migrate data and cut over with a tested fallback."
            ),
            duration_weeks=16,
            activities=(
                "Run procurement and vendor selection",
                "Configure systems and build integrations",
                "Cleanse and migrate data from legacy systems",
                "Run user acceptance testing with each impacted team",
                "Rehearse and execute the cut-over",
                "Provide hypercare support after go-live",
            ),
            deliverables=("Technology implementation plan",),
            criteria=(
                *_checklist(
                    "User acceptance testing passed with no open severity-1 defects",
                    "Data migration reconciled and signed off by data owners",
                    "Cut-over and rollback plan rehearsed",
                    "Support model in place for go-live",
                ),
                READINESS_MINIMUM,
            ),
        ),
        PhaseSpec(
            name="Training & Change Management",
            description=(
                "Build the knowledge and ability people need, watch adoption team by team, "
                "and reinforce the new way of working until it is business as usual."
            ),
            duration_weeks=8,
            activities=(
                "Deliver role-based training to every impacted team",
                "Run super-user and floor-walker support",
                "Monitor adoption with pulse surveys and change agent feedback",
                "Work through resistance hot spots with team leads",
                "Reinforce with recognition, coaching and performance objectives",
                "Hand over ownership to business-as-usual leads",
            ),
            deliverables=("Training materials",),
            criteria=(
                *_checklist(
                    "Training completion of at least 90% in every impacted team",
                    "Adoption target met, or a reinforcement plan agreed for each team below it",
                    "Ownership handed over to business-as-usual leads",
                    "Lessons learned captured and shared",
                ),
                NO_EARLY_BARRIER,
            ),
        ),
    ),
)

OUTSOURCING = TemplateSpec(
    name=OUTSOURCING_TEMPLATE_NAME,
    description=(
        "Decide whether and how to outsource a service, choose and contract a provider, "
        "transfer the work safely and run the relationship for continuous improvement."
    ),
    phases=(
        PhaseSpec(
            name="Assessment & Benchmarking",
            description=(
                "Measure what the in-house service costs and delivers today and compare it "
                "with the market, so the sourcing decision rests on facts."
            ),
            duration_weeks=6,
            activities=(
                "Define the services, volumes and channels in scope",
                "Benchmark costs and service levels against the market",
                "Analyse contact reasons, demand drivers and seasonality",
                "Assess current quality, customer effort and staff skills",
                "Interview stakeholders and front-line teams",
                "Run the baseline adoption survey",
            ),
            deliverables=("Baseline and benchmarking report",),
            criteria=(
                *_checklist(
                    "Cost and service-level baseline agreed with Finance",
                    "Services in and out of scope confirmed",
                    "Benchmarking report accepted by the sponsor",
                ),
                RESPONSE_MINIMUM,
            ),
        ),
        PhaseSpec(
            name="Strategy Development",
            description=(
                "Decide what to keep and what to buy, and on which sourcing model, with a "
                "business case and a plan for the people affected."
            ),
            duration_weeks=6,
            activities=(
                "Run a make-or-buy analysis per service",
                "Choose the sourcing model: onshore, nearshore, offshore or hybrid",
                "Build the business case with total cost of ownership",
                "Assess risks, including a data protection impact assessment",
                "Plan workforce changes and consultation with employee representatives",
            ),
            deliverables=("Sourcing strategy and business case",),
            criteria=(
                *_checklist(
                    "Business case approved by the executive committee",
                    "Sourcing model and scope signed off",
                    "Employee representatives consulted where required",
                ),
                NO_EARLY_BARRIER,
            ),
        ),
        PhaseSpec(
            name="Operational Planning",
            description=(
                "Select the provider, agree the contract and service levels, and plan the "
                "transition and governance before any work moves."
            ),
            duration_weeks=10,
            activities=(
                "Issue the RFP and shortlist providers",
                "Run due diligence, reference calls and site visits",
                "Design the contract, SLAs, service credits and exit terms",
                "Design the governance model and reporting cadence",
                "Plan the transition and knowledge transfer",
                "Plan communications to customers and staff",
            ),
            deliverables=("Signed contract with SLA schedule", "Transition plan"),
            criteria=(
                *_checklist(
                    "Contract signed with SLAs, service credits and exit terms",
                    "Transition plan agreed with the provider",
                    "Data processing agreement in place",
                ),
                READINESS_MINIMUM,
            ),
        ),
        PhaseSpec(
            name="Execution",
            description=(
                "Transfer knowledge and volume to the provider in stages, protecting "
                "service levels and supporting the people whose roles change."
            ),
            duration_weeks=16,
            activities=(
                "Transfer knowledge to provider agents and team leads",
                "Run shadowing and a parallel run",
                "Migrate tools, access rights and the knowledge base",
                "Transfer volume in stages by channel",
                "Run hypercare with daily service reviews",
                "Redeploy, retrain or support affected staff",
            ),
            deliverables=("Knowledge-transfer completion report",),
            criteria=(
                *_checklist(
                    "Provider met SLAs for four consecutive weeks",
                    "All knowledge-transfer modules signed off",
                    "Hypercare exit criteria met",
                ),
                RESPONSE_MINIMUM,
            ),
        ),
        PhaseSpec(
            name="Continuous Improvement",
            description=(
                "Run the relationship through regular service reviews and a shared "
                "improvement backlog, so the service keeps getting better after transition."
            ),
            duration_weeks=12,
            activities=(
                "Hold monthly service reviews against SLAs",
                "Hold quarterly business reviews with the provider",
                "Analyse root causes of repeat contacts and complaints",
                "Run a joint continuous improvement backlog",
                "Re-benchmark cost and quality yearly",
            ),
            deliverables=("Service governance handbook",),
            criteria=(
                *_checklist(
                    "Service-level and CSAT targets met for a full quarter",
                    "Improvement backlog owned jointly with the provider",
                    "Retained organisation's roles staffed",
                ),
            ),
        ),
    ),
)

BUILTIN_TEMPLATES: tuple[TemplateSpec, ...] = (BACKOFFICE, OUTSOURCING)


def ensure_builtin_templates() -> list[MethodologyTemplate]:
    """Install any missing built-in methodology template and return all of them."""
    templates = []
    for spec in BUILTIN_TEMPLATES:
        template = db.session.scalar(
            select(MethodologyTemplate).where(MethodologyTemplate.name == spec.name)
        )
        if template is None:
            template = _build_template(spec)
            db.session.add(template)
        templates.append(template)
    db.session.flush()
    return templates


def _build_template(spec: TemplateSpec) -> MethodologyTemplate:
    template = MethodologyTemplate(name=spec.name, description=spec.description, is_builtin=True)
    for position, phase_spec in enumerate(spec.phases, start=1):
        phase = TemplatePhase(
            position=position,
            name=phase_spec.name,
            description=phase_spec.description,
            duration_weeks=phase_spec.duration_weeks,
        )
        names = [(name, False) for name in phase_spec.activities]
        names += [(name, True) for name in phase_spec.deliverables]
        phase.activities = [
            TemplateActivity(position=index, name=name, is_deliverable=is_deliverable)
            for index, (name, is_deliverable) in enumerate(names, start=1)
        ]
        phase.criteria = [
            TemplateGateCriterion(
                position=index,
                text=criterion.text,
                kind=criterion.kind,
                threshold=criterion.threshold,
            )
            for index, criterion in enumerate(phase_spec.criteria, start=1)
        ]
        template.phases.append(phase)
    return template
