"""Programme 1 as data: a legal-services firm's back-office optimisation."""

from transform.demo.adoption import AdoptionCurve, TeamProfile
from transform.demo.org import ImpactSpec, TeamSpec
from transform.demo.raid import RaidSpec
from transform.models import Adkar, ImpactAspect, ImpactLevel, RaidKind, RaidStatus

NAME = "Back-office optimisation"
ORGANISATION = "Hartley & Finch LLP"
DESCRIPTION = (
    "Redesign billing, records, intake and practice support so that matters are opened, "
    "worked and billed faster, with less rework, and fee earners get their time back."
)

TEAMS = (
    TeamSpec("LS-100", "Hartley & Finch", 8),
    TeamSpec("LS-110", "Practice Support", 5, "Hartley & Finch"),
    TeamSpec("LS-111", "Litigation Support", 56, "Practice Support"),
    TeamSpec("LS-112", "Corporate Support", 35, "Practice Support"),
    TeamSpec("LS-113", "Document Production", 22, "Practice Support"),
    TeamSpec("LS-120", "Billing", 6, "Hartley & Finch"),
    TeamSpec("LS-121", "Billing Operations", 28, "Billing"),
    TeamSpec("LS-122", "Collections", 14, "Billing"),
    TeamSpec("LS-130", "Records Management", 18, "Hartley & Finch"),
    TeamSpec("LS-140", "Client Intake", 12, "Hartley & Finch"),
    TeamSpec("LS-150", "Finance", 5, "Hartley & Finch"),
    TeamSpec("LS-151", "Accounts Payable", 9, "Finance"),
    TeamSpec("LS-152", "Payroll", 4, "Finance"),
    TeamSpec("LS-160", "IT Services", 6, "Hartley & Finch"),
    TeamSpec("LS-161", "Service Desk", 16, "IT Services"),
)

A = ImpactAspect
IMPACTS = (
    ImpactSpec("Practice Support", ImpactLevel.LOW, 18, (A.REPORTING_LINES, A.ROLES)),
    ImpactSpec(
        "Litigation Support",
        ImpactLevel.HIGH,
        18,
        (A.PROCESSES, A.SYSTEMS, A.ROLES, A.SKILLS, A.WORKLOAD),
    ),
    ImpactSpec(
        "Corporate Support", ImpactLevel.HIGH, 18, (A.PROCESSES, A.SYSTEMS, A.SKILLS, A.WORKLOAD)
    ),
    ImpactSpec(
        "Document Production", ImpactLevel.MEDIUM, 20, (A.PROCESSES, A.SYSTEMS, A.ROLES, A.SKILLS)
    ),
    ImpactSpec("Billing", ImpactLevel.MEDIUM, 12, (A.PROCESSES, A.REPORTING_LINES, A.ROLES)),
    ImpactSpec(
        "Billing Operations",
        ImpactLevel.HIGH,
        12,
        (A.PROCESSES, A.SYSTEMS, A.ROLES, A.SKILLS, A.WORKLOAD, A.CUSTOMER_INTERACTION),
    ),
    ImpactSpec(
        "Collections", ImpactLevel.MEDIUM, 14, (A.PROCESSES, A.SYSTEMS, A.CUSTOMER_INTERACTION)
    ),
    ImpactSpec(
        "Records Management",
        ImpactLevel.HIGH,
        16,
        (A.PROCESSES, A.SYSTEMS, A.ROLES, A.SKILLS, A.LOCATION),
    ),
    ImpactSpec(
        "Client Intake", ImpactLevel.MEDIUM, -4, (A.PROCESSES, A.SYSTEMS, A.CUSTOMER_INTERACTION)
    ),
    ImpactSpec("Accounts Payable", ImpactLevel.MEDIUM, 22, (A.PROCESSES, A.SYSTEMS, A.WORKLOAD)),
    ImpactSpec("Payroll", ImpactLevel.LOW, 22, (A.PROCESSES, A.SYSTEMS)),
    ImpactSpec("Service Desk", ImpactLevel.MEDIUM, 10, (A.SYSTEMS, A.SKILLS, A.WORKLOAD)),
)

#: The typical team: aware early, knowledge and ability building once redesign starts.
CURVE = AdoptionCurve(
    start=(2.95, 2.56, 1.78, 1.39, 1.38),
    monthly_growth=(0.175, 0.2, 0.275, 0.3, 0.275),
)

#: The surveyed teams, in the order the surveys list them.
PROFILES = {
    "Litigation Support": TeamProfile(months_ahead=0.5, commitment=3.6, efficacy=3.3),
    "Corporate Support": TeamProfile(months_ahead=1.0, offset=0.1, commitment=3.8, efficacy=3.5),
    "Document Production": TeamProfile(offset=-0.1, commitment=3.3, efficacy=3.0),
    # Keen and well informed, but billing deadlines crowd out every training slot.
    "Billing Operations": TeamProfile(stuck_at=Adkar.KNOWLEDGE, commitment=3.9, efficacy=3.1),
    "Collections": TeamProfile(months_ahead=-0.5, offset=-0.15, commitment=3.0, efficacy=2.9),
    "Records Management": TeamProfile(
        months_ahead=-1.0, offset=-0.2, commitment=2.9, efficacy=2.7
    ),
    "Client Intake": TeamProfile(months_ahead=1.5, offset=0.15, commitment=3.9, efficacy=3.6),
    "Accounts Payable": TeamProfile(offset=0.05, commitment=3.5, efficacy=3.3),
    "Payroll": TeamProfile(months_ahead=0.5, commitment=3.4, efficacy=3.2),
    "Service Desk": TeamProfile(months_ahead=0.5, offset=0.1, commitment=3.7, efficacy=3.6),
}

#: Change agents (by person key) and the teams they cover.
AGENT_TEAMS = {
    "agent": ("Billing Operations", "Collections", "Client Intake", "Records Management"),
    "agent_litigation": ("Litigation Support", "Corporate Support", "Document Production"),
    "agent_finance": ("Accounts Payable", "Payroll", "Service Desk"),
}

#: Share of each team trained at three recent records, oldest first.
TRAINING = {
    "Client Intake": (0.5, 0.83, 1.0),
    "Service Desk": (0.4, 0.7, 0.9),
    "Corporate Support": (0.25, 0.5, 0.7),
    "Litigation Support": (0.15, 0.35, 0.55),
    "Collections": (0.2, 0.45, 0.6),
    "Records Management": (0.0, 0.1, 0.3),
    "Billing Operations": (0.1, 0.18, 0.25),
}

RAID = (
    RaidSpec(
        RaidKind.RISK,
        "Billing system vendor slips delivery of the e-billing module",
        "The vendor has moved two earlier releases. A slip would push Billing Operations' "
        "go-live into the year-end billing peak.",
        owner="analyst",
        severity=4,
        likelihood=3,
        status=RaidStatus.MITIGATING,
        due_in_days=30,
        phase=3,
        raised_days_ago=120,
    ),
    RaidSpec(
        RaidKind.RISK,
        "Fee earners bypass the new intake process for urgent matters",
        "Partners email Client Intake directly for urgent work, so conflict checks happen "
        "after the matter is opened.",
        owner="agent",
        severity=3,
        likelihood=4,
        due_in_days=-5,
        phase=2,
        raised_days_ago=50,
    ),
    RaidSpec(
        RaidKind.RISK,
        "Key billing staff leave during the transition",
        "Three of the most experienced billers are eligible for retirement this year.",
        owner="pmo",
        severity=4,
        likelihood=2,
        phase=4,
        raised_days_ago=90,
    ),
    RaidSpec(
        RaidKind.RISK,
        "Legacy records data quality delays migration",
        "Sample of 500 files found 18% with missing matter numbers or retention codes.",
        owner="analyst",
        severity=4,
        likelihood=4,
        status=RaidStatus.MITIGATING,
        due_in_days=45,
        phase=3,
        raised_days_ago=140,
    ),
    RaidSpec(
        RaidKind.ASSUMPTION,
        "Practice groups release staff for two days of training each",
        "Agreed in principle by the practice leaders; not yet in anyone's diary.",
        owner="pmo",
        severity=3,
        likelihood=2,
        phase=4,
        raised_days_ago=150,
    ),
    RaidSpec(
        RaidKind.ASSUMPTION,
        "Practice management system API supports real-time status updates",
        "Confirmed by the vendor's technical team in a proof of concept.",
        owner="analyst",
        severity=3,
        likelihood=2,
        status=RaidStatus.CLOSED,
        phase=2,
        raised_days_ago=160,
    ),
    RaidSpec(
        RaidKind.ISSUE,
        "Billing Operations has not completed process training",
        "Sessions were cancelled twice because of month-end billing; the knowledge gap "
        "shows in every pulse survey.",
        owner="agent",
        severity=3,
        likelihood=5,
        due_in_days=-10,
        phase=2,
        raised_days_ago=75,
    ),
    RaidSpec(
        RaidKind.ISSUE,
        "Current-state process maps for Collections were incomplete",
        "Fixed with two extra workshops before the assessment gate.",
        owner="analyst",
        severity=2,
        likelihood=5,
        status=RaidStatus.CLOSED,
        phase=1,
        raised_days_ago=200,
    ),
    RaidSpec(
        RaidKind.ISSUE,
        "Budget approval for document automation licences pending",
        "The business case is with the finance committee; procurement cannot start without it.",
        owner="sponsor",
        severity=3,
        likelihood=5,
        status=RaidStatus.MITIGATING,
        due_in_days=-3,
        phase=2,
        raised_days_ago=40,
    ),
    RaidSpec(
        RaidKind.DEPENDENCY,
        "Desktop upgrade must finish before user acceptance testing",
        "IT Services' desktop refresh is a prerequisite for the new billing client.",
        owner="analyst",
        severity=4,
        likelihood=3,
        due_in_days=60,
        phase=3,
        raised_days_ago=100,
    ),
    RaidSpec(
        RaidKind.DEPENDENCY,
        "Financial year-end change freeze in Finance",
        "No system changes in Accounts Payable or Payroll during the four weeks around "
        "year-end close.",
        owner="pmo",
        severity=3,
        likelihood=4,
        due_in_days=120,
        raised_days_ago=30,
    ),
)


#: Teams whose PMO has set how much change they can absorb a month (impact points);
#: Billing Operations, mid-redesign and short-staffed, saturates around its go-live.
CAPACITIES = {"Billing Operations": 60, "Collections": 70}
