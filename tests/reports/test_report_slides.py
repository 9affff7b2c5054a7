"""The sponsor pack as PowerPoint: it opens, carries the PDF's figures and withholds what
the PDF withholds; LibreOffice converts it headless."""

import os
import shutil
import subprocess
from datetime import timedelta
from io import BytesIO

import pytest
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader

from tests import factories
from tests.factories import SUITE_DAY
from tests.reports.test_report_story import draft_row
from tests.survey_setup import survey_world
from transform.extensions import db
from transform.models import Answer, ReportKind, Response
from transform.reports import sponsor, store
from transform.reports.commentary import Commentary

DAY = SUITE_DAY - timedelta(days=1)
MESSAGES = ["Delivery is on plan.", "Billing adopts well.", "Records is too small to show."]
WITHHELD = "Fewer than 5 responses here or in a neighbouring team: not shown"


def _respond(world, team, count: int) -> None:
    for _ in range(count):
        db.session.add(
            Response(
                wave_id=world["wave"].id,
                team_id=team.id,
                submitted_on=DAY - timedelta(days=1),
                answers=[Answer(item_id=item.id, value=4) for item in world["instrument"].items],
            )
        )
    db.session.flush()


@pytest.fixture
def published(app, db):
    """A published sponsor report of a programme with one team too small to show."""
    world = survey_world()
    _respond(world, world["billing"], 7)
    _respond(world, world["records"], 2)
    draft = draft_row(world["programme"], DAY)
    report = store.publish(draft, world["pmo"], Commentary(MESSAGES, {"risks": "None high."}))
    db.session.commit()
    return world, report


def _slides(app, world, report, email="sponsor@example.com") -> bytes:
    url = f"/programmes/{world['programme'].id}/reports/{report.id}.pptx"
    response = factories.logged_in(app, email).get(url)
    assert response.status_code == 200
    assert response.mimetype.endswith("presentationml.presentation")
    assert response.headers["Content-Disposition"].endswith(f"-{DAY.isoformat()}.pptx")
    return response.data


def _slide_texts(data: bytes) -> list[str]:
    texts = []
    for slide in Presentation(BytesIO(data)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        texts.append(" | ".join(parts))
    return texts


def test_the_pack_carries_the_figures_of_the_pdf(app, published):
    world, report = published
    data = _slides(app, world, report)
    deck = Presentation(BytesIO(data))
    texts = _slide_texts(data)
    pdf = " ".join(page.extract_text() for page in PdfReader(BytesIO(report.pdf)).pages)
    content = sponsor.build(world["programme"], DAY)
    headline = content.context["headline"]

    assert deck.slides[0].shapes.title.text.endswith(f"is {headline.status.upper()}")
    assert texts[1].startswith("Key messages") and all(m in texts[1] for m in MESSAGES)
    # The executive summary's change table: the same figures the PDF prints.
    for change in content.context["changes"]:
        assert change.now in texts[2] and change.now in pdf
        assert change.delta in texts[2] and change.delta in pdf
    # Charts are native charts, tables real tables.
    summary = deck.slides[2]
    assert sum(shape.has_chart for shape in summary.shapes) == 2
    assert sum(shape.has_table for shape in summary.shapes) == 3
    assert any("Risks: None high." in text for text in texts)
    assert deck.slide_width == Inches(13.333)

    # What the PDF withholds, the pack withholds in the same words, for every role.
    texts = _slide_texts(_slides(app, world, report, "agent@example.com"))
    adoption = next(text for text in texts if "Adoption rate %" in text)
    assert "Records" in adoption and WITHHELD in adoption
    assert WITHHELD.split(":")[0] in " ".join(pdf.split())
    # Two respondents in Records: the count is not printed anywhere in the table.
    records = adoption.split("Records")[1].split(" | ")[1]
    assert records == WITHHELD


def test_only_sponsor_reports_have_a_pack(app, db):
    world = survey_world()
    other = draft_row(world["programme"], DAY, ReportKind.OPERATIONAL_ASSESSMENT)
    url = f"/programmes/{world['programme'].id}/reports/{other.id}.pptx"
    assert factories.logged_in(app, "pmo@example.com").get(url).status_code == 404


def test_libreoffice_converts_the_pack(app, published, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice is missing: scripts/install-system-packages.sh installs it")
        pytest.skip("soffice (libreoffice-impress-nogui) is not installed on this machine")
    world, report = published
    source = tmp_path / "pack.pptx"
    source.write_bytes(_slides(app, world, report))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = PdfReader(tmp_path / "pack.pdf")
    assert len(converted.pages) == len(Presentation(source).slides)
    assert MESSAGES[0] in converted.pages[1].extract_text()
