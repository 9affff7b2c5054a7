"""Follow-up actions over the API: a ticket sync reads them, raises them on a feedback
entry and moves them along, matching them to its tickets by their external reference."""

from datetime import date

from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from transform.access import ProgrammeAccess, programme_access_or_404
from transform.api.blueprint import api, via
from transform.api.problems import ApiProblem
from transform.api.raid import ExternalRef
from transform.api.schemas import (
    IsoDate,
    Page,
    RowId,
    SyncQuery,
    UtcDateTime,
    changed_since,
    page_of,
)
from transform.api.teams import trimmed_text
from transform.api.writes import field_errors, patch_fields
from transform.extensions import db
from transform.feedback import service
from transform.memberships.queries import programme_members
from transform.models import EXTERNAL_REF_MAX, FeedbackEntry, FollowUp, FollowUpStatus

TAG = "Feedback"
ACTION_MAX = 300


class FollowUpQuery(SyncQuery):
    model_config = ConfigDict(extra="ignore")

    external_ref: str | None = Field(
        None,
        max_length=EXTERNAL_REF_MAX,
        pattern=r"^[^\x00]*$",
        description="Only the follow-up with this external reference (exact match).",
    )
    status: FollowUpStatus | None = None


class FollowUpOut(BaseModel):
    id: int
    entry_id: int = Field(description="The feedback entry that raised it.")
    team_id: int
    action: str
    owner_id: int | None
    due_on: date | None
    status: FollowUpStatus
    external_ref: str | None = Field(description="The action's key in a ticket system.")
    updated_at: UtcDateTime = Field(description="When it last changed: see updated_since.")
    version: int = Field(description="Send it back with a change to refuse stale writes.")


class FollowUpIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"action": "Book a floor-walker for month-end", "external_ref": "TRN-7"}]
        },
    )

    action: trimmed_text(ACTION_MAX)
    owner_id: RowId | None = Field(
        None, description="A member of the programme; the entry's agent when left out."
    )
    due_on: IsoDate | None = None
    status: FollowUpStatus = FollowUpStatus.OPEN
    external_ref: ExternalRef | None = Field(
        None, description="The action's key in a ticket system; unique in the programme."
    )


class FollowUpPatch(BaseModel):
    """The fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    action: trimmed_text(ACTION_MAX) | None = None
    owner_id: RowId | None = None
    due_on: IsoDate | None = None
    status: FollowUpStatus | None = None
    external_ref: ExternalRef | None = Field(None, description="Null removes the reference.")
    version: int | None = Field(
        None, description="The version read; another one now refuses the change with 409."
    )


WRITE_RULES = (
    "As in the app: a PMO admin, the change agent who logged the entry, or (for a change) "
    "the follow-up's owner. Audited as the token's. A refused value is 422 with the path "
    "of each field at fault."
)


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/follow-ups",
    summary="List the programme's follow-up actions",
    tag=TAG,
    description="Every member reads them. Oldest first; filter by external_ref to find a "
    "ticket's action, by updated_since for an incremental sync.",
    query=FollowUpQuery,
    response=Page[FollowUpOut],
    errors=(404,),
)
def list_follow_ups(programme_id: int, query: FollowUpQuery):
    programme_access_or_404(programme_id)
    rows = (
        select(FollowUp)
        .join(FeedbackEntry, FeedbackEntry.id == FollowUp.entry_id)
        .where(FeedbackEntry.programme_id == programme_id)
        .options(joinedload(FollowUp.entry))
        .order_by(FollowUp.id)
    )
    if query.external_ref is not None:
        rows = rows.where(FollowUp.external_ref == query.external_ref.strip())
    if query.status is not None:
        rows = rows.where(FollowUp.status == query.status)
    rows = changed_since(rows, FollowUp.updated_at, query.updated_since)
    return page_of(rows, query, _out)


@api.operation(
    "POST",
    "/programmes/<int:programme_id>/feedback/<int:entry_id>/follow-ups",
    summary="Raise a follow-up action on a feedback entry",
    tag=TAG,
    description=WRITE_RULES,
    body=FollowUpIn,
    response=FollowUpOut,
    status=201,
    errors=(403, 404),
)
def create_follow_up(programme_id: int, entry_id: int, body: FollowUpIn):
    access = programme_access_or_404(programme_id, for_write=True)
    entry = db.session.scalar(
        select(FeedbackEntry).where(
            FeedbackEntry.id == entry_id, FeedbackEntry.programme_id == programme_id
        )
    )
    if entry is None:
        raise ApiProblem(404, "The programme has no feedback entry with this id.")
    if not (access.is_admin or current_user.id == entry.agent_id):
        raise ApiProblem(403, "Only a PMO admin or the agent who logged the entry adds to it.")
    values = body.model_dump()
    values["owner_id"] = values["owner_id"] or entry.agent_id or current_user.id
    _check_owner(access, values["owner_id"], None)
    try:
        follow_up = service.add_follow_up(entry, service.FollowUpDraft(**values), via())
    except service.RefTaken as taken:
        raise field_errors({"external_ref": str(taken)}) from None
    return _out(follow_up)


@api.operation(
    "PATCH",
    "/programmes/<int:programme_id>/follow-ups/<int:follow_up_id>",
    summary="Change a follow-up action",
    tag=TAG,
    description="Changes the fields sent. Sent with the version read, the change is "
    "refused with 409 when someone changed it since. " + WRITE_RULES,
    body=FollowUpPatch,
    response=FollowUpOut,
    errors=(403, 404, 409),
)
def update_follow_up(programme_id: int, follow_up_id: int, body: FollowUpPatch):
    access = programme_access_or_404(programme_id, for_write=True)
    follow_up = _follow_up_or_404(programme_id, follow_up_id)
    people = (follow_up.owner_id, follow_up.entry.agent_id)
    if not (access.is_admin or current_user.id in people):
        raise ApiProblem(
            403, "Only its owner, the agent who raised it or a PMO admin changes a follow-up."
        )
    sent = patch_fields(body, follow_up.version, "this follow-up", ("action", "status"))
    current = {name: getattr(follow_up, name) for name in service.FOLLOW_UP_FIELDS}
    values = current | sent
    _check_owner(access, values["owner_id"], follow_up)
    try:
        service.update_follow_up(follow_up, service.FollowUpDraft(**values), via())
    except service.RefTaken as taken:
        raise field_errors({"external_ref": str(taken)}) from None
    except StaleDataError:
        db.session.rollback()
        raise ApiProblem(409, "The follow-up changed while it was being saved.") from None
    return _out(follow_up)


def _follow_up_or_404(programme_id: int, follow_up_id: int) -> FollowUp:
    follow_up = db.session.scalar(
        select(FollowUp)
        .join(FeedbackEntry, FeedbackEntry.id == FollowUp.entry_id)
        .where(FollowUp.id == follow_up_id, FeedbackEntry.programme_id == programme_id)
    )
    if follow_up is None:
        raise ApiProblem(404, "The programme has no follow-up with this id.")
    return follow_up


def _check_owner(access: ProgrammeAccess, owner_id: int | None, follow_up: FollowUp | None):
    members = {user.id for user in programme_members(access.programme.id)}
    if follow_up is not None and follow_up.owner_id is not None:
        members.add(follow_up.owner_id)
    if owner_id is not None and owner_id not in members:
        raise field_errors({"owner_id": "The owner must be a member of the programme."})


def _out(follow_up: FollowUp) -> dict:
    return {
        "id": follow_up.id,
        "entry_id": follow_up.entry_id,
        "team_id": follow_up.entry.team_id,
        "action": follow_up.action,
        "owner_id": follow_up.owner_id,
        "due_on": follow_up.due_on,
        "status": follow_up.status,
        "external_ref": follow_up.external_ref,
        "updated_at": follow_up.updated_at,
        "version": follow_up.version,
    }
