"""Open high RAID items: every kind counts, and the label says what is counted.

The log below has 3 high risks, 2 overdue issues scored 15 and a dependency scored 12,
so the figure is 6, not the 3 a count of risks alone gave beside the word "high".
"""

import re
from datetime import timedelta
from html import unescape

import pytest

from tests import factories
from tests.factories import SUITE_DAY
from transform.extensions import db
from transform.models import RaidItem, RaidKind, RaidStatus, Role
from transform.programmes.queries import programme_overview
from transform.reports import sponsor
from transform.reports.store import report_html
from transform.scoring.schedule import Rag

TODAY = SUITE_DAY
LAST_WEEK = TODAY - timedelta(days=7)
NEXT_MONTH = TODAY + timedelta(days=30)
#: (kind, title, severity, likelihood, status, due): six high, three not.
LOG = [
    (RaidKind.RISK, "Key users unavailable", 4, 4, RaidStatus.OPEN, NEXT_MONTH),
    (RaidKind.RISK, "Vendor slips", 5, 3, RaidStatus.MITIGATING, None),
    (RaidKind.RISK, "Budget cut", 3, 4, RaidStatus.OPEN, NEXT_MONTH),
    (RaidKind.ISSUE, "Scanner broken", 5, 3, RaidStatus.OPEN, LAST_WEEK),
    (RaidKind.ISSUE, "Licences missing", 3, 5, RaidStatus.OPEN, LAST_WEEK),
    (RaidKind.DEPENDENCY, "Data migration", 4, 3, RaidStatus.OPEN, NEXT_MONTH),
    (RaidKind.RISK, "Old risk", 5, 5, RaidStatus.CLOSED, LAST_WEEK),
    (RaidKind.RISK, "Small risk", 2, 5, RaidStatus.OPEN, None),
    (RaidKind.ISSUE, "Small issue", 2, 3, RaidStatus.OPEN, LAST_WEEK),
]


@pytest.fixture
def programme(db, auth):
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    sponsor_user = factories.user("sponsor@example.com", name="Sol Sponsor")
    record = factories.programme(admin=pmo, members={sponsor_user: Role.SPONSOR})
    for kind, title, severity, likelihood, status, due_on in LOG:
        db.session.add(
            RaidItem(
                programme_id=record.id,
                kind=kind,
                title=title,
                severity=severity,
                likelihood=likelihood,
                status=status,
                due_on=due_on,
                owner=pmo,
            )
        )
    db.session.flush()
    auth.login("pmo@example.com")
    return record


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_every_kind_of_open_item_scoring_12_or_more_counts(programme):
    high = programme_overview(programme, TODAY).open_high_raid
    assert high.count == 6
    assert high.by_kind == "3 risks, 2 issues, 1 dependency"
    assert [item.score for item in high.items] == [16, 15, 15, 15, 12, 12]
    assert [item.title for item in high.overdue(TODAY)] == ["Scanner broken", "Licences missing"]


def test_the_overview_names_what_it_counts_beside_the_number(client, programme):
    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    stats = _text(page[page.index('aria-label="Key figures"') : page.index("<h2>Phases</h2>")])
    assert "Open high RAID items (score ≥ 12) 6 3 risks, 2 issues, 1 dependency" in stats, stats
    listed = _text(page[page.index("<h2>Open high RAID items</h2>") :])
    assert "Issue Scanner broken" in listed and "overdue since" in listed
    assert "Dependency Data migration" in listed
    assert "Old risk" not in listed and "Small risk" not in listed


def test_a_single_kind_reads_in_the_singular(programme):
    for item in db.session.query(RaidItem).filter(RaidItem.kind != RaidKind.DEPENDENCY):
        item.status = RaidStatus.CLOSED
    db.session.flush()
    assert programme_overview(programme, TODAY).open_high_raid.by_kind == "1 dependency"


def test_the_sponsor_report_counts_and_rules_on_the_same_items(programme):
    content = sponsor.build(programme, TODAY)
    rule = next(r for r in content.context["rules"] if r.name == "RAID")
    assert rule.rag == Rag.RED
    assert rule.why == ("6 open high RAID items (3 risks, 2 issues, 1 dependency), 2 past due.")
    decisions = [d.title for d in content.context["decisions"]]
    assert "Overdue high issue: Scanner broken" in decisions
    text = _text(report_html(content, programme, TODAY))
    assert "Open high RAID items 6 first report" in text
    assert "score 12 or more (severity × likelihood): 6 — 3 risks, 2 issues, 1 dependency" in text
    start = text.index("Overdue actions Issues")
    overdue = text[start:]
    assert "Small issue" in overdue and "Scanner broken" not in overdue
