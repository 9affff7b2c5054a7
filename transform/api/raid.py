"""The RAID log over the API: a ticket sync reads items, creates them and updates them,
matching them to its tickets by their external reference (a Jira key, say)."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from transform.access import ProgrammeAccess, programme_access_or_404
from transform.api.blueprint import api, via
from transform.api.problems import ApiProblem
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
from transform.api.writes import field_errors, optional_text, patch_fields
from transform.extensions import db
from transform.memberships.queries import programme_members
from transform.models import EXTERNAL_REF_MAX, RaidItem, RaidKind, RaidStatus, Role
from transform.raid import queries, service

TAG = "RAID log"
ExternalRef = trimmed_text(EXTERNAL_REF_MAX)


class RaidQuery(SyncQuery):
    model_config = ConfigDict(extra="ignore")

    external_ref: str | None = Field(
        None,
        max_length=EXTERNAL_REF_MAX,
        pattern=r"^[^\x00]*$",
        description="Only the item with this external reference (exact match).",
    )


class RaidOut(BaseModel):
    id: int
    kind: RaidKind
    title: str
    description: str
    phase_id: int | None
    owner_id: int | None
    severity: int = Field(description="1 (negligible) to 5 (severe).")
    likelihood: int = Field(description="1 (rare) to 5 (almost certain).")
    score: int = Field(description="Severity × likelihood.")
    status: RaidStatus
    due_on: date | None
    external_ref: str | None = Field(description="The item's key in a ticket system.")
    created_at: UtcDateTime
    updated_at: UtcDateTime = Field(description="When it last changed: see updated_since.")
    version: int = Field(description="Send it back with a change to refuse stale writes.")


class RaidIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "risk",
                    "title": "Vendor late with the data migration",
                    "severity": 4,
                    "likelihood": 3,
                    "external_ref": "TRN-142",
                }
            ]
        },
    )

    kind: RaidKind
    title: trimmed_text(200)
    description: optional_text(5000) = ""
    phase_id: RowId | None = Field(None, description="A phase of the programme.")
    owner_id: RowId | None = Field(None, description="A member of the programme.")
    severity: int = Field(3, ge=1, le=5, strict=True)
    likelihood: int = Field(3, ge=1, le=5, strict=True)
    status: RaidStatus = RaidStatus.OPEN
    due_on: IsoDate | None = Field(None, description="Within the programme's dates.")
    external_ref: ExternalRef | None = Field(
        None, description="The item's key in a ticket system; unique in the programme."
    )


class RaidPatch(BaseModel):
    """The fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    kind: RaidKind | None = None
    title: trimmed_text(200) | None = None
    description: optional_text(5000) | None = None
    phase_id: RowId | None = None
    owner_id: RowId | None = None
    severity: int | None = Field(None, ge=1, le=5, strict=True)
    likelihood: int | None = Field(None, ge=1, le=5, strict=True)
    status: RaidStatus | None = None
    due_on: IsoDate | None = None
    external_ref: ExternalRef | None = Field(None, description="Null removes the reference.")
    version: int | None = Field(
        None, description="The version read; another one now refuses the change with 409."
    )


WRITE_RULES = (
    "PMO admins only, as on the RAID pages; each change is audited as the token's and "
    "announced to the programme's raid.changed webhooks. A refused value is 422 with the "
    "path of each field at fault (body/owner_id, body/external_ref …)."
)


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/raid-items",
    summary="List the programme's RAID log",
    tag=TAG,
    description="Every member reads it, as in the app. Oldest first; filter by "
    "external_ref to find a ticket's item, by updated_since for an incremental sync.",
    query=RaidQuery,
    response=Page[RaidOut],
    errors=(404,),
)
def list_raid_items(programme_id: int, query: RaidQuery):
    programme_access_or_404(programme_id)
    items = select(RaidItem).where(RaidItem.programme_id == programme_id).order_by(RaidItem.id)
    if query.external_ref is not None:
        items = items.where(RaidItem.external_ref == query.external_ref.strip())
    items = changed_since(items, RaidItem.updated_at, query.updated_since)
    return page_of(items, query, _out)


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/raid-items/<int:item_id>",
    summary="Read a RAID item",
    tag=TAG,
    response=RaidOut,
    errors=(404,),
)
def get_raid_item(programme_id: int, item_id: int):
    programme_access_or_404(programme_id)
    return _out(_item_or_404(programme_id, item_id))


@api.operation(
    "POST",
    "/programmes/<int:programme_id>/raid-items",
    summary="Add a RAID item",
    tag=TAG,
    description=WRITE_RULES,
    body=RaidIn,
    response=RaidOut,
    status=201,
    errors=(403, 404),
)
def create_raid_item(programme_id: int, body: RaidIn):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    values = body.model_dump(exclude={"external_ref"})
    _check_choices(access, values, None)
    try:
        item = service.create_item(
            access.programme, service.RaidDraft(**values), body.external_ref, via()
        )
    except service.RefTaken as taken:
        raise field_errors({"external_ref": str(taken)}) from None
    return _out(item)


@api.operation(
    "PATCH",
    "/programmes/<int:programme_id>/raid-items/<int:item_id>",
    summary="Change a RAID item",
    tag=TAG,
    description="Changes the fields sent. Sent with the version read, the change is "
    "refused with 409 when someone changed the item since. " + WRITE_RULES,
    body=RaidPatch,
    response=RaidOut,
    errors=(403, 404, 409),
)
def update_raid_item(programme_id: int, item_id: int, body: RaidPatch):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    item = _item_or_404(programme_id, item_id)
    required = ("kind", "title", "severity", "likelihood", "status")
    sent = patch_fields(body, item.version, "this RAID item", required)
    current = {name: getattr(item, name) for name in service.AUDITED_FIELDS}
    values = current | {k: v for k, v in sent.items() if k in current}
    values["description"] = values["description"] or ""
    _check_choices(access, values, item)
    external_ref = sent.get("external_ref", service.KEEP)
    try:
        service.update_item(item, service.RaidDraft(**values), external_ref, via())
    except service.RefTaken as taken:
        raise field_errors({"external_ref": str(taken)}) from None
    except StaleDataError:
        db.session.rollback()
        raise ApiProblem(409, "The RAID item changed while it was being saved.") from None
    return _out(item)


def _item_or_404(programme_id: int, item_id: int) -> RaidItem:
    item = queries.find_item(programme_id, item_id)
    if item is None:
        raise ApiProblem(404, "The programme has no RAID item with this id.")
    return item


def _check_choices(access: ProgrammeAccess, values: dict, item: RaidItem | None) -> None:
    """The form's choices: an owner among the members (or the one it has), a phase of the
    programme, a due date within the programme."""
    programme = access.programme
    errors = {}
    owners = {user.id for user in programme_members(programme.id)}
    if item is not None and item.owner_id is not None:
        owners.add(item.owner_id)
    if values["owner_id"] is not None and values["owner_id"] not in owners:
        errors["owner_id"] = "The owner must be a member of the programme."
    phases = {phase.id for phase in queries.phases_for_choice(programme.id)}
    if values["phase_id"] is not None and values["phase_id"] not in phases:
        errors["phase_id"] = "Not a phase of this programme."
    due_on = values["due_on"]
    if due_on is not None and not programme.starts_on <= due_on <= programme.ends_on:
        errors["due_on"] = (
            f"Must fall within the programme, {programme.starts_on.isoformat()} to "
            f"{programme.ends_on.isoformat()}."
        )
    if errors:
        raise field_errors(errors)


def _out(item: RaidItem) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "phase_id": item.phase_id,
        "owner_id": item.owner_id,
        "severity": item.severity,
        "likelihood": item.likelihood,
        "score": item.score,
        "status": item.status,
        "due_on": item.due_on,
        "external_ref": item.external_ref,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "version": item.version,
    }
