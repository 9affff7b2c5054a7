"""Load a programme's phase for a view, or 404: the one access rule for phase pages."""

from flask import abort

from transform.access import ProgrammeAccess, programme_access_or_404
from transform.models import Phase, Role
from transform.phases.queries import phase_in_programme_or_none


def phase_or_404(
    programme_id: int, phase_id: int, *roles: Role, for_write: bool = False
) -> tuple[ProgrammeAccess, Phase]:
    access = programme_access_or_404(programme_id, *roles, for_write=for_write)
    phase = phase_in_programme_or_none(programme_id, phase_id)
    if phase is None:
        abort(404)
    return access, phase
