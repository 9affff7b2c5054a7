"""The seed library of KPI definitions a PMO picks from when adding a programme's KPIs."""

from dataclasses import dataclass

from transform.models import Direction, Perspective


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    name: str
    unit: str
    direction: Direction
    perspective: Perspective
    description: str
    min_value: float | None = None
    max_value: float | None = None


KPI_LIBRARY: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        key="turnaround_time",
        name="Turnaround time",
        unit="days",
        direction=Direction.LOWER_IS_BETTER,
        perspective=Perspective.INTERNAL_PROCESS,
        description="Working days from a request's receipt to its completion, median per month.",
        min_value=0,
    ),
    KpiDefinition(
        key="client_satisfaction",
        name="Client satisfaction",
        unit="score",
        direction=Direction.HIGHER_IS_BETTER,
        perspective=Perspective.CUSTOMER,
        description="Client satisfaction score from the quarterly client survey, 0 to 100.",
        min_value=0,
        max_value=100,
    ),
    KpiDefinition(
        key="employee_productivity",
        name="Employee productivity",
        unit="matters per FTE per month",
        direction=Direction.HIGHER_IS_BETTER,
        # Kaplan and Norton count employee productivity among the core outcome
        # measures of the learning and growth perspective.
        perspective=Perspective.LEARNING_GROWTH,
        description="Matters closed per full-time equivalent per month.",
        min_value=0,
    ),
    KpiDefinition(
        key="csat",
        name="CSAT",
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        perspective=Perspective.CUSTOMER,
        description="Share of post-contact survey answers rating the service 4 or 5 out of 5.",
        min_value=0,
        max_value=100,
    ),
    KpiDefinition(
        key="average_handle_time",
        name="Average handle time",
        unit="minutes",
        direction=Direction.LOWER_IS_BETTER,
        perspective=Perspective.INTERNAL_PROCESS,
        description="Mean time per contact, including hold and after-contact work.",
        min_value=0,
    ),
    KpiDefinition(
        key="first_contact_resolution",
        name="First contact resolution",
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        perspective=Perspective.INTERNAL_PROCESS,
        description="Share of contacts resolved without the customer having to get back in touch.",
        min_value=0,
        max_value=100,
    ),
    KpiDefinition(
        key="cost_per_contact",
        name="Cost per contact",
        unit="EUR",
        direction=Direction.LOWER_IS_BETTER,
        perspective=Perspective.FINANCIAL,
        description="Fully loaded cost of the support operation divided by contacts handled.",
        min_value=0,
    ),
    KpiDefinition(
        key="backlog_size",
        name="Backlog size",
        unit="items",
        direction=Direction.LOWER_IS_BETTER,
        perspective=Perspective.INTERNAL_PROCESS,
        description="Open work items older than the service standard at month end.",
        min_value=0,
    ),
    KpiDefinition(
        key="sla_attainment",
        name="SLA attainment",
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        perspective=Perspective.CUSTOMER,
        description="Share of work items completed within their service-level target.",
        min_value=0,
        max_value=100,
    ),
)

_BY_KEY = {definition.key: definition for definition in KPI_LIBRARY}


def kpi_definition(key: str) -> KpiDefinition:
    """Return the library definition with this key; KeyError names an unknown key."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"No KPI definition with the key {key!r}") from None
