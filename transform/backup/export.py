"""Write one programme and everything it refers to into a versioned .zip archive."""

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import Table, or_, select

from transform.backup import FORMAT, FORMAT_VERSION
from transform.backup.schema import REFERENCE_TABLES, encode, schema_revision, tables
from transform.extensions import db
from transform.models import Programme, utcnow


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    counts: dict[str, int]
    files: int


def export_programme(programme_id: int, out: Path) -> ExportSummary:
    """Write the archive of the programme to `out`; raises LookupError for no such programme."""
    if db.session.get(Programme, programme_id) is None:
        raise LookupError(f"No programme with id {programme_id}.")
    rows = programme_rows(programme_id)
    files = attached_files(rows)
    members: dict[str, bytes] = {}
    for table in tables():
        encoded = [
            {c.name: encode(c, row[c.name]) for c in table.columns} for row in rows[table.name]
        ]
        members[f"tables/{table.name}.json"] = json.dumps(encoded, indent=1).encode()
    members.update(files)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": schema_revision(),
        "exported_at": utcnow().isoformat() + "Z",
        "programme_id": programme_id,
        "counts": {name: len(table_rows) for name, table_rows in rows.items()},
        "users": {
            "password_hashes": True,
            "note": "Users keep their password hashes: keep this archive as safe as the database.",
        },
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, data in members.items():
            archive.writestr(name, data)
    return ExportSummary(out, manifest["counts"], len(files))


def programme_rows(programme_id: int) -> dict[str, list[dict]]:
    """The rows of each table that belong to the programme or that its rows refer to.

    A table's row belongs to the programme when it has the programme's id or refers to a
    row that belongs to it (phase → activity → evidence, …). Shared tables (users, the org
    tree, instruments, templates) are taken as far as those rows refer to them.
    """
    ordered = tables()
    owned: dict[str, set[int]] = {"programme": {programme_id}}
    rows: dict[str, list[dict]] = {t.name: [] for t in ordered}
    for table in ordered:
        if table.name in REFERENCE_TABLES:
            continue
        condition = _owned_condition(table, owned)
        if condition is None:
            continue
        found = [dict(r) for r in db.session.execute(select(table).where(condition)).mappings()]
        rows[table.name] = found
        # A link table (initiative_team) has no id of its own: nothing can refer to it.
        if "id" in table.c:
            owned[table.name] = {r["id"] for r in found}
    _add_references(ordered, rows)
    return rows


def _owned_condition(table: Table, owned: dict[str, set[int]]):
    if table.name == "programme":
        return table.c.id.in_(owned["programme"])
    clauses = [
        fk.parent.in_(owned[fk.column.table.name])
        for fk in table.foreign_keys
        if fk.column.table.name in owned and fk.column.table.name not in REFERENCE_TABLES
    ]
    return or_(*clauses) if clauses else None


def _referenced_ids(ordered: list[Table], rows: dict[str, list[dict]], target: str) -> set[int]:
    ids: set[int] = set()
    for table in ordered:
        for fk in table.foreign_keys:
            if fk.column.table.name == target:
                ids.update(r[fk.parent.name] for r in rows[table.name] if r[fk.parent.name])
    return ids


def _fetch(name: str, condition) -> list[dict]:
    table = db.metadata.tables[name]
    query = select(table).where(condition).order_by(table.c.id)
    return [dict(r) for r in db.session.execute(query).mappings()]


def _add_references(ordered: list[Table], rows: dict[str, list[dict]]) -> None:
    meta = db.metadata.tables
    template_ids = _referenced_ids(ordered, rows, "methodology_template")
    template, template_phase = meta["methodology_template"], meta["template_phase"]
    rows["methodology_template"] = _fetch(template.name, template.c.id.in_(template_ids))
    rows["template_phase"] = _fetch(
        template_phase.name, template_phase.c.template_id.in_(template_ids)
    )
    phase_ids = [r["id"] for r in rows["template_phase"]]
    for child in ("template_activity", "template_gate_criterion"):
        rows[child] = _fetch(child, meta[child].c.phase_id.in_(phase_ids))
    instrument_ids = _referenced_ids(ordered, rows, "instrument")
    rows["instrument"] = _fetch("instrument", meta["instrument"].c.id.in_(instrument_ids))
    item_ids = _referenced_ids(ordered, rows, "item")
    rows["item"] = _fetch(
        "item",
        or_(meta["item"].c.instrument_id.in_(instrument_ids), meta["item"].c.id.in_(item_ids)),
    )
    rows["team"] = _teams_with_ancestors(_referenced_ids(ordered, rows, "team"))
    rows["user"] = _fetch("user", meta["user"].c.id.in_(_referenced_ids(ordered, rows, "user")))


def _teams_with_ancestors(team_ids: set[int]) -> list[dict]:
    """The teams and every team above them, parents before children."""
    team = db.metadata.tables["team"]
    found: dict[int, dict] = {}
    wanted = set(team_ids)
    while wanted:
        batch = _fetch("team", team.c.id.in_(wanted))
        found.update((r["id"], r) for r in batch)
        wanted = {r["parent_id"] for r in batch if r["parent_id"]} - found.keys()
    ordered: list[dict] = []
    placed: set[int] = set()
    while len(ordered) < len(found):
        for team_id, row in sorted(found.items()):
            if team_id not in placed and (row["parent_id"] is None or row["parent_id"] in placed):
                ordered.append(row)
                placed.add(team_id)
    return ordered


def attached_files(rows: dict[str, list[dict]]) -> dict[str, bytes]:
    """The uploaded evidence files, as archive members under files/evidence/."""
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "evidence"
    files = {}
    for evidence in rows["evidence"]:
        if evidence["stored_name"]:
            path = folder / evidence["stored_name"]
            if not path.is_file():
                raise FileNotFoundError(f"Evidence {evidence['id']} has no file at {path}.")
            files[f"files/evidence/{evidence['stored_name']}"] = path.read_bytes()
    return files
