"""Export a programme to an archive and restore it into an empty database, unchanged."""

import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import SUITE_DAY
from tests.live_app import dispose, make_live_app
from transform.backup.export import programme_rows
from transform.backup.schema import tables
from transform.demo import DEMO_PASSWORD, load_demo
from transform.extensions import db as _db
from transform.indices.service import adkar_waves, wave_dashboard
from transform.kpis.queries import kpi_views
from transform.models import (
    Activity,
    AuditEvent,
    Evidence,
    Phase,
    Programme,
    Report,
    ReportKind,
    Team,
    User,
)

DEMO_DAY = SUITE_DAY
PROGRAMME_ID = 1
EVIDENCE_BYTES = b"%PDF-1.4 signed assessment report"
PDF_BYTES = bytes(range(256)) * 4
PAGES = ("", "/phases/", "/adoption/", "/kpis/", "/raid", "/audit")


@pytest.fixture
def db():
    """Each app here has a committed database of its own; no shared rolled-back session."""


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "backup_source")
    with app.app_context():
        load_demo(DEMO_DAY)
        activity = _db.session.scalars(
            select(Activity).join(Activity.phase).where(Phase.programme_id == PROGRAMME_ID)
        ).first()
        folder = Path(app.config["UPLOAD_FOLDER"]) / "evidence"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "0123abcd.pdf").write_bytes(EVIDENCE_BYTES)
        _db.session.add(
            Evidence(
                activity=activity,
                title="Signed assessment",
                stored_name="0123abcd.pdf",
                original_filename="assessment.pdf",
                content_type="application/pdf",
                size_bytes=len(EVIDENCE_BYTES),
            )
        )
        pmo = _db.session.scalar(select(User).where(User.email == "pmo@example.com"))
        _db.session.add_all(
            [
                AuditEvent(
                    user=pmo,
                    programme_id=PROGRAMME_ID,
                    action="phase.updated",
                    entity="phase",
                    entity_id=activity.phase_id,
                    before={"name": "Assess"},
                    after={"name": activity.phase.name},
                ),
                Report(
                    programme_id=PROGRAMME_ID,
                    kind=ReportKind.SPONSOR_PROGRESS,
                    as_of=DEMO_DAY,
                    fingerprint="f" * 64,
                    pdf=PDF_BYTES,
                    page_count=1,
                    created_by=pmo,
                    is_published=True,
                ),
            ]
        )
        _db.session.commit()
    yield app
    dispose(app)


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("archive") / "programme-1.zip"
    result = source.test_cli_runner().invoke(
        args=["export", "--programme", str(PROGRAMME_ID), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Exported programme 1" in result.output
    return out


@pytest.fixture(scope="module")
def restored(archive, tmp_path_factory):
    app = make_live_app(tmp_path_factory, "restore")
    result = app.test_cli_runner().invoke(args=["import", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Restored programme 1" in result.output
    yield app
    dispose(app)


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "refuse")
    yield app
    dispose(app)


def _rows(app) -> dict[str, list[dict]]:
    with app.app_context():
        return programme_rows(PROGRAMME_ID)


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {t.name: _db.session.scalar(select(func.count()).select_from(t)) for t in tables()}


def test_the_archive_is_versioned_and_complete(archive):
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        names = set(zipped.namelist())
        assert zipped.read("files/evidence/0123abcd.pdf") == EVIDENCE_BYTES
    assert manifest["format"] == "transform-programme-export"
    assert manifest["format_version"] == 1
    assert manifest["schema_revision"]
    assert manifest["exported_at"].endswith("Z")
    assert manifest["users"]["password_hashes"] is True
    assert {f"tables/{t.name}.json" for t in tables()} <= names
    assert "tables/api_token.json" not in names
    counts = manifest["counts"]
    for table in (
        "programme",
        "membership",
        "user",
        "phase",
        "activity",
        "evidence",
        "gate",
        "gate_criterion",
        "raid_item",
        "team",
        "impacted_team",
        "agent_assignment",
        "feedback_entry",
        "instrument",
        "item",
        "wave",
        "wave_team",
        "response",
        "answer",
        "kpi",
        "checkpoint",
        "audit_event",
        "report",
    ):
        assert counts[table] > 0, table
    assert counts["programme"] == 1


def test_the_restored_database_holds_exactly_the_exported_rows(source, restored, archive):
    exported = _rows(source)
    assert _rows(restored) == exported
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
    assert _counts(restored) == manifest["counts"]
    assert {name: len(rows) for name, rows in exported.items()} == manifest["counts"]
    folder = Path(restored.config["UPLOAD_FOLDER"]) / "evidence"
    assert (folder / "0123abcd.pdf").read_bytes() == EVIDENCE_BYTES


def _figures(app):
    with app.app_context():
        programme = _db.session.get(Programme, PROGRAMME_ID)
        dashboards = [
            repr(replace(wave_dashboard(programme, wave, None, DEMO_DAY), wave=wave.id))
            for wave in adkar_waves(programme)
        ]
        kpis = [
            (
                view.kpi.id,
                view.status,
                view.latest_actual,
                view.latest_on,
                view.progress,
                view.planned_progress,
                view.actual_values,
            )
            for view in kpi_views(programme)
        ]
        return dashboards, kpis


def test_indices_and_kpi_statuses_are_the_same(source, restored):
    dashboards, kpis = _figures(restored)
    assert dashboards and kpis
    assert (dashboards, kpis) == _figures(source)


def _page(app, path: str) -> str:
    client = app.test_client()
    login = client.post(
        "/auth/login", data={"email": "pmo@example.com", "password": DEMO_PASSWORD}
    )
    assert login.status_code == 303
    response = client.get(f"/programmes/{PROGRAMME_ID}{path}")
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    html = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)
    html = re.sub(r'<meta name="csrf-token" content="[^"]*"', "", html)
    html = re.sub(r'nonce="[^"]*"', "", html)
    # When the dashboard was scored is a moment, not a figure of the programme.
    html = re.sub(r"computed at \d\d:\d\d:\d\d UTC", "computed at <time> UTC", html)
    # Matplotlib names the markers and clip paths of an SVG chart at random.
    return re.sub(r"\b([mp])[0-9a-f]{10}\b", r"\1-svg-id", html)


@pytest.mark.parametrize("path", PAGES)
def test_pages_read_the_same(source, restored, path):
    main = re.compile(r"<main.*</main>", re.S)
    before, after = main.search(_page(source, path)), main.search(_page(restored, path))
    assert before and after
    assert after.group(0) == before.group(0)


def test_new_rows_get_fresh_ids_after_a_restore(restored):
    with restored.app_context():
        highest = _db.session.scalar(select(func.max(Team.id)))
        team = Team(name="After the restore", headcount=3)
        event = AuditEvent(action="team.created", entity="team", entity_id=None)
        _db.session.add_all([team, event])
        _db.session.commit()
        assert team.id > highest
        _db.session.delete(team)
        _db.session.delete(event)
        _db.session.commit()


def test_import_into_a_database_with_data_is_refused(source, archive):
    result = source.test_cli_runner().invoke(args=["import", str(archive)])
    assert result.exit_code != 0
    assert "The database is not empty" in result.output


def _rewritten(archive: Path, target: Path, **manifest_changes) -> Path:
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "manifest.json":
                data = json.dumps(json.loads(data) | manifest_changes).encode()
            new.writestr(name, data)
    return target


def _damaged(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "tables/phase.json":
                data = data.replace(b'"name"', b'"nome"', 1)
            new.writestr(name, data)
    return target


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda a, t: t.write_bytes(b"not a zip at all") and t, "is not a readable .zip archive"),
        (lambda a, t: _rewritten(a, t, format_version=2), "format version 2"),
        (lambda a, t: _rewritten(a, t, format="other"), "not a transform programme export"),
        (lambda a, t: _rewritten(a, t, schema_revision="0001"), "schema revision 0001"),
        (_damaged, "tables/phase.json fails its checksum"),
    ],
)
def test_a_corrupt_or_foreign_archive_is_refused(empty, archive, tmp_path, make, message):
    bad = make(archive, tmp_path / "bad.zip") or tmp_path / "bad.zip"
    result = empty.test_cli_runner().invoke(args=["import", str(bad)])
    assert result.exit_code != 0
    assert message in result.output
    assert _counts(empty) == {t.name: 0 for t in tables()}
