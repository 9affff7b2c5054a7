"""A PMO adds a KPI, plans it, enters an actual in place and sees its status change."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from transform.models import Checkpoint, Kpi, Programme

pytestmark = pytest.mark.browser


def test_add_plan_and_enter_an_actual_in_place(page, live_server, login):
    login("pmo@example.com")
    ((programme_id,),) = live_server.query(
        select(Programme.id).where(Programme.name == "Back-office optimisation")
    )
    page.goto(f"{live_server.url}/programmes/{programme_id}/kpis/new")
    page.get_by_label("Start from").select_option("sla_attainment")
    name = page.get_by_label("Name")
    # No page-side function: the CSP forbids evaluating strings as script.
    expect(name).to_have_value("SLA attainment")
    name.fill("SLA attainment (browser)")
    page.get_by_label("Baseline value").fill("80")
    page.get_by_label("Target value").fill("95")
    page.get_by_label("Planned trajectory").select_option("linear")
    page.get_by_role("button", name="Add KPI").click()
    page.get_by_role("heading", name="SLA attainment (browser)").wait_for()
    assert "No actuals yet" in page.locator("#kpi-summary").inner_text()

    page.evaluate("window.__noReload = true")
    row = page.locator("table.kpi-table tbody tr").nth(6)
    row_id = row.get_attribute("id")
    row.get_by_role("link", name="Enter actual").click()
    field = page.locator(f"#{row_id} input[name=actual_value]")
    field.fill("80.5")
    page.locator(f"#{row_id}").get_by_role("button", name="Save").click()
    page.locator(f"#{row_id}").get_by_text("80.5%").wait_for()
    # Seven months in, barely above the baseline: far behind a straight-line plan.
    assert "Off track" in page.locator(f"#{row_id}").inner_text()
    summary = page.locator("#kpi-summary")
    summary.get_by_text("Off track").wait_for()
    assert page.evaluate("window.__noReload") is True

    checkpoint_id = int(row_id.removeprefix("checkpoint-"))
    ((actual,),) = live_server.query(
        select(Checkpoint.actual_value).where(Checkpoint.id == checkpoint_id)
    )
    assert actual == 80.5
    ((planned,),) = live_server.query(select(Kpi.id).where(Kpi.name == "SLA attainment (browser)"))
    assert planned
