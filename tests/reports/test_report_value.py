"""The value section of the sponsor progress report: the register's figures, as of its date."""

from collections import Counter
from datetime import date, datetime, time

from sqlalchemy import select

from tests.factories import SUITE_DAY
from tests.reports.test_report_sponsor import _html, _text
from transform.benefits.queries import BenefitFilters, register
from transform.extensions import db
from transform.models import Initiative, InitiativeStage, ValueEntry, ValueKind
from transform.templating import format_money

TODAY = SUITE_DAY
BILLING = "Automated time capture and billing"


def _net_to_date(programme, kind: ValueKind, as_of: date) -> float:
    """Net of one kind over months to the date, of entries entered by then, from the rows."""
    end = datetime.combine(as_of, time.max)
    entries = db.session.scalars(
        select(ValueEntry)
        .join(Initiative)
        .where(
            Initiative.programme_id == programme.id,
            ValueEntry.kind == kind,
            ValueEntry.month <= as_of,
            ValueEntry.entered_at <= end,
        )
    ).all()
    return sum(-e.amount if e.value_type.is_cost else e.amount for e in entries)


def _initiative(programme, name: str) -> Initiative:
    return db.session.scalar(
        select(Initiative).where(Initiative.programme_id == programme.id, Initiative.name == name)
    )


def test_the_value_section_has_the_registers_figures(app, demo):
    content, html = _html(app, demo, TODAY)
    value = content.context["value"]
    books = register(demo, BenefitFilters(), TODAY)
    assert [(s.count, s.expected) for s in value.pipeline] == [
        (s.count, s.expected) for s in books.pipeline
    ]
    assert value.expected == books.expected and value.gap == books.gap
    assert value.at_risk == books.at_risk > 0
    for kind in ValueKind:
        assert getattr(value, f"{kind.value}_to_date") == _net_to_date(demo, kind, TODAY)
    assert value.actual_to_date != 0
    text = _text(html)
    cur = demo.currency
    assert "Benefits and value" in text
    assert f"{format_money(value.actual_to_date, cur)} Actual net to date" in text
    assert f"{format_money(books.gap, cur)} Gap to the value target" in text
    assert f"{format_money(books.at_risk, cur)} Value at risk" in text
    for stage in books.pipeline:
        line = f"{stage.stage.label} {stage.count} {format_money(stage.expected, cur)}"
        assert line in text


def test_unconfirmed_actuals_at_l4_await_finance(app, demo):
    content, html = _html(app, demo, TODAY)
    titles = [a.title for a in content.context["value"].awaiting]
    assert titles == [f"Finance sign-off of actuals: {BILLING}"]
    billing = _initiative(demo, BILLING)
    pending = [e for e in billing.entries if e.kind == ValueKind.ACTUAL and not e.is_confirmed]
    assert f"{len(pending)} actuals (" in _text(html)
    # The sponsor's decisions page points to the sign-off that waits elsewhere.
    assert "1 sign-off of value waiting for finance, under Benefits and value" in _text(html)
    for entry in pending:
        entry.confirmed_at = datetime.combine(TODAY, time(9))
    db.session.flush()
    content, _ = _html(app, demo, TODAY)
    assert [a.title for a in content.context["value"].awaiting] == [f"L5 sign-off: {BILLING}"]
    # Confirmed after an earlier date: on that date they were still waiting.
    content, _ = _html(app, demo, date(2026, 11, 20))
    assert [a.title for a in content.context["value"].awaiting] == titles


def test_an_earlier_date_leaves_out_later_moves_and_entries(app, demo):
    billing = _initiative(demo, BILLING)
    to_l4 = next(m for m in billing.moves if m.to_stage == InitiativeStage.L4)
    last_actual = max(e.entered_at for e in billing.entries if e.kind == ValueKind.ACTUAL)
    as_of = last_actual.date() - date.resolution
    assert to_l4.decided_at.date() > as_of
    content, _ = _html(app, demo, as_of)
    value = content.context["value"]
    end = datetime.combine(as_of, time.max)
    then = Counter(
        max(
            (m for m in i.moves if m.decided_at <= end),
            key=lambda m: m.decided_at,
            default=None,
        )
        for i in db.session.scalars(select(Initiative).where(Initiative.programme_id == demo.id))
    )
    expected = Counter()
    for move, count in then.items():
        expected[move.to_stage.label if move else InitiativeStage.L0.label] += count
    assert {s.label: s.count for s in value.pipeline if s.count} == dict(expected)
    now = {s.stage.label: s.count for s in register(demo, BenefitFilters(), TODAY).pipeline}
    assert {s.label: s.count for s in value.pipeline} != now
    for kind in ValueKind:
        assert getattr(value, f"{kind.value}_to_date") == _net_to_date(demo, kind, as_of)
    assert value.actual_to_date != _net_to_date(demo, ValueKind.ACTUAL, TODAY)
    assert not any(BILLING in a.title for a in value.awaiting)


def test_an_initiative_created_after_the_date_is_left_out(app, demo):
    billing = _initiative(demo, BILLING)
    before = _html(app, demo, TODAY)[0].context["value"].initiatives
    billing.created_at = datetime.combine(TODAY, time(12))
    billing.moves.clear()
    db.session.flush()
    content, _ = _html(app, demo, TODAY - date.resolution)
    assert content.context["value"].initiatives == before - 1


def test_an_amount_changed_after_the_date_shows_at_its_amount_of_then(app, demo):
    from datetime import timedelta

    from transform import clock
    from transform.benefits import service
    from transform.models import User
    from transform.reports.portfolio import _value
    from transform.reports.sponsor_value import value_section

    pmo = db.session.scalar(select(User).where(User.email == "pmo@example.com"))

    entry = db.session.scalars(
        select(ValueEntry)
        .join(Initiative)
        .where(
            Initiative.programme_id == demo.id,
            ValueEntry.kind == ValueKind.PLANNED,
            ValueEntry.month <= TODAY,
        )
        .order_by(ValueEntry.id)
    ).first()
    sign = -1 if entry.value_type.is_cost else 1
    before = value_section(demo, TODAY).planned_to_date
    portfolio_before = _value(demo, TODAY).planned_to_date
    amounts = [entry.amount + 1000, entry.amount + 2500]
    for days, amount in zip((3, 6), amounts, strict=True):
        clock.set_to(TODAY + timedelta(days=days))
        draft = service.ValueDraft(
            entry.kind, entry.value_type, entry.month, amount, "Re-estimated with finance"
        )
        service.record_value(entry.initiative, draft, pmo.id)
        db.session.commit()
    clock.set_to(TODAY)

    assert value_section(demo, TODAY).planned_to_date == before
    assert _value(demo, TODAY).planned_to_date == portfolio_before
    between = TODAY + timedelta(days=4)
    assert value_section(demo, between).planned_to_date == before + sign * 1000
    latest = TODAY + timedelta(days=7)
    assert value_section(demo, latest).planned_to_date == before + sign * 2500
    assert _value(demo, latest).planned_to_date == portfolio_before + sign * 2500
