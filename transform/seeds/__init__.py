"""Built-in content every installation has: methodology templates, instruments, KPI library."""

from transform.seeds.instruments import (
    ADKAR_PULSE_NAME,
    READINESS_SURVEY_NAME,
    ensure_builtin_instruments,
)
from transform.seeds.kpi_library import KPI_LIBRARY, KpiDefinition, kpi_definition
from transform.seeds.methodologies import (
    BACKOFFICE_TEMPLATE_NAME,
    OUTSOURCING_TEMPLATE_NAME,
    ensure_builtin_templates,
)

__all__ = [
    "ADKAR_PULSE_NAME",
    "BACKOFFICE_TEMPLATE_NAME",
    "KPI_LIBRARY",
    "KpiDefinition",
    "OUTSOURCING_TEMPLATE_NAME",
    "READINESS_SURVEY_NAME",
    "ensure_builtin_instruments",
    "ensure_builtin_templates",
    "ensure_builtins",
    "kpi_definition",
]


def ensure_builtins() -> None:
    """Install any missing built-in methodology template and survey instrument; flush only."""
    ensure_builtin_templates()
    ensure_builtin_instruments()
