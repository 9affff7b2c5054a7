"""Programme 2 as data: an e-commerce retailer outsourcing first-line customer support."""

from transform.demo.adoption import AdoptionCurve, TeamProfile
from transform.demo.org import ImpactSpec, TeamSpec
from transform.demo.raid import RaidSpec
from transform.models import ImpactAspect, ImpactLevel, RaidKind, RaidStatus

NAME = "Customer support outsourcing"
ORGANISATION = "Northwind Retail"
DESCRIPTION = (
    "Move first-line chat and email support to a specialist provider while escalations, "
    "returns and quality stay in house, cutting cost per contact without losing customer "
    "satisfaction."
)

TEAMS = (
    TeamSpec("NW-200", "Customer Support", 6),
    TeamSpec("NW-210", "Tier 1 Chat", 38, "Customer Support"),
    TeamSpec("NW-220", "Tier 1 Email", 30, "Customer Support"),
    TeamSpec("NW-230", "Tier 2 Escalations", 14, "Customer Support"),
    TeamSpec("NW-240", "Returns & Refunds", 11, "Customer Support"),
    TeamSpec("NW-250", "Quality & Training", 6, "Customer Support"),
)

A = ImpactAspect
IMPACTS = (
    ImpactSpec("Customer Support", ImpactLevel.MEDIUM, 30, (A.REPORTING_LINES, A.ROLES)),
    ImpactSpec(
        "Tier 1 Chat",
        ImpactLevel.HIGH,
        26,
        (A.ROLES, A.PROCESSES, A.SYSTEMS, A.LOCATION, A.REPORTING_LINES),
    ),
    ImpactSpec(
        "Tier 1 Email",
        ImpactLevel.HIGH,
        30,
        (A.ROLES, A.PROCESSES, A.SYSTEMS, A.LOCATION, A.REPORTING_LINES),
    ),
    ImpactSpec(
        "Tier 2 Escalations",
        ImpactLevel.MEDIUM,
        26,
        (A.PROCESSES, A.WORKLOAD, A.SKILLS, A.CUSTOMER_INTERACTION),
    ),
    ImpactSpec("Returns & Refunds", ImpactLevel.MEDIUM, 34, (A.PROCESSES, A.SYSTEMS)),
    ImpactSpec("Quality & Training", ImpactLevel.HIGH, 24, (A.ROLES, A.SKILLS, A.PROCESSES)),
)

#: Early days: people have heard the news, but whether they want it is another matter.
CURVE = AdoptionCurve(
    start=(3.5, 2.44, 2.08, 2.34, 2.14),
    monthly_growth=(0.15, 0.08, 0.1, 0.05, 0.05),
)

PROFILES = {
    "Tier 1 Chat": TeamProfile(element_offsets=(0.0, -0.2, 0.0, 0.0, 0.0)),
    "Tier 1 Email": TeamProfile(offset=-0.1, element_offsets=(0.0, -0.3, 0.0, 0.0, 0.0)),
    "Tier 2 Escalations": TeamProfile(offset=0.1, element_offsets=(0.2, 0.7, 0.3, 0.3, 0.2)),
    "Returns & Refunds": TeamProfile(element_offsets=(-0.2, 0.5, 0.2, 0.2, 0.1)),
    # Their roles grow into vendor oversight, so they are the keenest.
    "Quality & Training": TeamProfile(offset=0.2, element_offsets=(0.3, 0.9, 0.4, 0.3, 0.3)),
}

AGENT_TEAMS = {
    "agent_frontline": ("Tier 1 Chat", "Tier 1 Email", "Returns & Refunds"),
    "agent_quality": ("Tier 2 Escalations", "Quality & Training"),
}

RAID = (
    RaidSpec(
        RaidKind.RISK,
        "Tacit product knowledge is lost in the transfer to the provider",
        "Much of Tier 1's know-how on marketplace sellers and bundle returns is undocumented.",
        owner="vendor_lead",
        severity=4,
        likelihood=3,
        phase=4,
        raised_days_ago=100,
    ),
    RaidSpec(
        RaidKind.RISK,
        "Tier 1 attrition rises once the outsourcing review is public",
        "Two resignations since the announcement; losing more before transition would hurt "
        "service levels.",
        owner="pmo",
        severity=4,
        likelihood=4,
        status=RaidStatus.MITIGATING,
        due_in_days=21,
        phase=2,
        raised_days_ago=80,
    ),
    RaidSpec(
        RaidKind.RISK,
        "Provider access to customer personal data needs a data processing agreement",
        "A data protection impact assessment and a DPA must be in place before any access.",
        owner="vendor_lead",
        severity=5,
        likelihood=2,
        phase=3,
        due_in_days=90,
        raised_days_ago=60,
    ),
    RaidSpec(
        RaidKind.ASSUMPTION,
        "Peak-season volumes stay within 15% of last year",
        "The business case and the provider's staffing model both assume it.",
        owner="sponsor_support",
        severity=3,
        likelihood=3,
        raised_days_ago=70,
    ),
    RaidSpec(
        RaidKind.ASSUMPTION,
        "The provider can staff German- and Dutch-speaking agents",
        "To be tested in the RFP; both markets are growing.",
        owner="vendor_lead",
        severity=3,
        likelihood=2,
        phase=3,
        raised_days_ago=45,
    ),
    RaidSpec(
        RaidKind.ISSUE,
        "Contact-reason coding is inconsistent, so benchmark data is incomplete",
        "About a third of last year's email contacts have no usable reason code.",
        owner="agent_frontline",
        severity=2,
        likelihood=5,
        status=RaidStatus.MITIGATING,
        due_in_days=-7,
        phase=1,
        raised_days_ago=90,
    ),
    RaidSpec(
        RaidKind.DEPENDENCY,
        "Ticketing platform licence renewal falls before the transition",
        "Renewal terms must allow provider seats, or the transition waits for a new contract.",
        owner="vendor_lead",
        severity=3,
        likelihood=3,
        due_in_days=60,
        phase=4,
        raised_days_ago=40,
    ),
    RaidSpec(
        RaidKind.DEPENDENCY,
        "Works council consultation must conclude before contract signature",
        "Consultation starts once the sourcing strategy is approved.",
        owner="sponsor_support",
        severity=4,
        likelihood=3,
        due_in_days=40,
        phase=2,
        raised_days_ago=30,
    ),
)
