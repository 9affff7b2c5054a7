"""A PMO edits the phase checklist in place, through htmx, and the edit persists."""

import pytest
from sqlalchemy import select

from transform.models import Activity, Phase, Programme

pytestmark = pytest.mark.browser


def _phase_url(live_server, phase_name: str) -> tuple[str, int]:
    ((programme_id, phase_id),) = live_server.query(
        select(Programme.id, Phase.id)
        .join(Phase, Phase.programme_id == Programme.id)
        .where(Programme.name == "Back-office optimisation", Phase.name == phase_name)
    )
    return f"{live_server.url}/programmes/{programme_id}/phases/{phase_id}", phase_id


def test_inline_activity_edit_through_htmx_persists(page, live_server, login):
    login("pmo@example.com")
    url, phase_id = _phase_url(live_server, "Process Redesign")
    page.goto(url)
    # A marker on the window survives only if the page is never reloaded.
    page.evaluate("window.__noReload = true")
    row = page.locator("#checklist li.checklist-row:not(.is-done)").first
    row_id = row.get_attribute("id")
    row.get_by_role("link", name="Edit").click()

    editing = page.locator(f"#{row_id}.is-editing")
    editing.get_by_label("Notes").fill("Agreed with the billing leads on Tuesday")
    editing.get_by_role("button", name="Save").click()

    saved_row = page.locator(f"#{row_id}:not(.is-editing)")
    saved_row.get_by_text("Agreed with the billing leads on Tuesday").wait_for()
    assert page.evaluate("window.__noReload") is True

    activity_id = int(row_id.removeprefix("activity-"))
    ((notes,),) = live_server.query(select(Activity.notes).where(Activity.id == activity_id))
    assert notes == "Agreed with the billing leads on Tuesday"
    page.reload()
    assert "Agreed with the billing leads on Tuesday" in page.locator(f"#{row_id}").inner_text()


def test_ticking_an_activity_done_swaps_the_row_in_place(page, live_server, login):
    login("pmo@example.com")
    url, _phase_id = _phase_url(live_server, "Process Redesign")
    page.goto(url)
    page.evaluate("window.__noReload = true")
    row = page.locator("#checklist li.checklist-row:not(.is-done)").last
    row_id = row.get_attribute("id")
    row.locator("input[name=done]").check()
    page.locator(f"#{row_id}.is-done").wait_for()
    assert page.evaluate("window.__noReload") is True
    activity_id = int(row_id.removeprefix("activity-"))
    ((done_on,),) = live_server.query(select(Activity.done_on).where(Activity.id == activity_id))
    assert done_on is not None
