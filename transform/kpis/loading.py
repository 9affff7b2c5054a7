"""Loading a KPI or one of its checkpoints for a view, or 404."""

from flask import abort
from sqlalchemy import select

from transform.access import ProgrammeAccess, programme_access_or_404
from transform.extensions import db
from transform.models import Checkpoint, Kpi, Role


def kpi_or_404(
    programme_id: int, kpi_id: int, *roles: Role, for_write: bool = False
) -> tuple[ProgrammeAccess, Kpi]:
    """The KPI of a programme the user may see (and act on with `roles`), else 404/403."""
    access = programme_access_or_404(programme_id, *roles, for_write=for_write)
    kpi = db.session.scalar(select(Kpi).where(Kpi.id == kpi_id, Kpi.programme_id == programme_id))
    if kpi is None:
        abort(404)
    return access, kpi


def checkpoint_or_404(kpi: Kpi, checkpoint_id: int) -> Checkpoint:
    checkpoint = db.session.scalar(
        select(Checkpoint).where(Checkpoint.id == checkpoint_id, Checkpoint.kpi_id == kpi.id)
    )
    if checkpoint is None:
        abort(404)
    return checkpoint
