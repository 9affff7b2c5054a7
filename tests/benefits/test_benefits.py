"""The benefits register: stage decisions, value rules, roles, roll-ups and the demo."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from transform.api.tokens import create_token
from transform.benefits import queries, service
from transform.benefits.queries import BenefitFilters
from transform.extensions import db
from transform.indices.service import TeamFigures
from transform.models import (
    Initiative,
    InitiativeStage,
    Programme,
    Role,
    StageMove,
    Team,
    User,
    ValueKind,
    ValueRebaseline,
    ValueType,
)
from transform.scoring.anonymity import CellState
from transform.scoring.estimate import Estimate

L = InitiativeStage


@pytest.fixture
def setting(db):
    pmo = factories.user("pmo@example.com", "Pat Office")
    finance = factories.user("finance@example.com", "Fin Approver")
    sponsor = factories.user("sponsor@example.com", "Spon Sor")
    programme = factories.programme(
        admin=pmo,
        members={finance: Role.FINANCE, sponsor: Role.SPONSOR},
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 12, 18),
    )
    initiative = service.create_initiative(
        programme,
        service.InitiativeDraft("Billing automation", "", pmo.id, "Billing", None, ()),
    )
    db.session.commit()
    return programme, initiative, pmo, finance


def _at(initiative: Initiative, stage: InitiativeStage, pmo_id: int) -> None:
    while initiative.stage.index < stage.index:
        initiative.move_to(InitiativeStage(f"L{initiative.stage.index + 1}"), pmo_id, "")
    db.session.commit()


def _url(initiative: Initiative, action: str = "") -> str:
    return f"/programmes/{initiative.programme_id}/benefits/{initiative.id}{action}"


def _value(kind="planned", value_type="recurring_saving", month="2026-03", amount="1000", **rest):
    return {"kind": kind, "value_type": value_type, "month": month, "amount": amount, **rest}


def test_the_pmo_adds_an_initiative_with_its_teams_at_l0(client, auth, db):
    pmo = factories.user("pmo@example.com")
    programme = factories.programme(admin=pmo)
    auth.login("pmo@example.com")
    response = client.post(
        f"/programmes/{programme.id}/benefits/new",
        data={"name": "Shared service", "workstream": "Ops", "owner_id": str(pmo.id)},
    )
    assert response.status_code == 303
    initiative = db.session.scalar(select(Initiative).where(Initiative.name == "Shared service"))
    assert initiative.stage == L.L0 and initiative.workstream == "Ops"
    page = client.get(f"/programmes/{programme.id}/benefits").get_data(as_text=True)
    assert "Shared service" in page


def test_a_stage_cannot_be_skipped(client, auth, setting):
    _, initiative, *_ = setting
    auth.login("pmo@example.com")
    response = client.post(_url(initiative, "/stage"), data={"stage": "L2"})
    assert response.status_code == 422
    assert "cannot skip a stage" in response.get_data(as_text=True)
    db.session.refresh(initiative)
    assert initiative.stage == L.L0


def test_a_move_forward_records_who_and_when_and_back_needs_a_reason(client, auth, setting):
    _, initiative, pmo, _ = setting
    auth.login("pmo@example.com")
    assert client.post(_url(initiative, "/stage"), data={"stage": "L1"}).status_code == 303
    refused = client.post(_url(initiative, "/stage"), data={"stage": "L0"})
    assert refused.status_code == 422
    assert "Say why" in refused.get_data(as_text=True)
    back = client.post(_url(initiative, "/stage"), data={"stage": "L0", "reason": "No owner"})
    assert back.status_code == 303
    moves = db.session.scalars(
        select(StageMove).where(StageMove.initiative_id == initiative.id).order_by(StageMove.id)
    ).all()
    assert [(m.from_stage, m.to_stage, m.reason) for m in moves] == [
        (L.L0, L.L1, ""),
        (L.L1, L.L0, "No owner"),
    ]
    assert {m.decided_by_id for m in moves} == {pmo.id}
    assert "No owner" in client.get(_url(initiative)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("stage", "kind", "message"),
    [(L.L2, "forecast", "Forecasts start at L3"), (L.L3, "actual", "Actuals start at L4")],
)
def test_forecasts_and_actuals_wait_for_their_stage(client, auth, setting, stage, kind, message):
    _, initiative, pmo, _ = setting
    _at(initiative, stage, pmo.id)
    auth.login("pmo@example.com")
    response = client.post(_url(initiative, "/values"), data=_value(kind=kind))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert not initiative.entries


def test_the_plan_is_editable_to_l2_and_a_re_baseline_with_a_reason_from_l3(client, auth, setting):
    _, initiative, pmo, _ = setting
    auth.login("pmo@example.com")
    assert client.post(_url(initiative, "/values"), data=_value()).status_code == 303
    assert client.post(_url(initiative, "/values"), data=_value(amount="1200")).status_code == 303
    _at(initiative, L.L3, pmo.id)
    refused = client.post(_url(initiative, "/values"), data=_value(amount="900"))
    assert refused.status_code == 422
    assert "The plan is locked from L3" in refused.get_data(as_text=True)
    db.session.refresh(initiative)
    assert [e.amount for e in initiative.entries] == [1200]
    accepted = client.post(
        _url(initiative, "/values"), data=_value(amount="900", reason="Vendor price rose")
    )
    assert accepted.status_code == 303
    rebaseline = db.session.scalar(select(ValueRebaseline))
    assert rebaseline.reason == "Vendor price rose"
    assert (rebaseline.before["amount"], rebaseline.after["amount"]) == (1200, 900)
    assert rebaseline.changed_by_id == pmo.id


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_value(month="2025-12"), "month", "Choose a month within the programme"),
        (_value(month="2027-01"), "month", "Choose a month within the programme"),
        (_value(amount="-500"), "amount", "Enter savings and revenue as positive amounts"),
        (
            _value(value_type="cost_to_achieve", amount="-5"),
            "amount",
            "Enter a cost to achieve as a positive amount",
        ),
        (_value(amount="nan"), "amount", "plain number"),
    ],
)
def test_bad_values_are_refused_at_their_field(client, auth, setting, data, field, message):
    _, initiative, *_ = setting
    auth.login("pmo@example.com")
    response = client.post(_url(initiative, "/values"), data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert not initiative.entries


def test_only_finance_confirms_actuals_and_signs_off_l5(client, auth, setting):
    _, initiative, pmo, finance = setting
    _at(initiative, L.L4, pmo.id)
    auth.login("pmo@example.com")
    client.post(_url(initiative, "/values"), data=_value(kind="actual", month="2026-10"))
    refused = client.post(_url(initiative, "/stage"), data={"stage": "L5"})
    assert refused.status_code == 422
    assert "Only a finance approver" in refused.get_data(as_text=True)
    assert client.post(_url(initiative, "/confirm")).status_code == 403
    auth.logout()

    auth.login("finance@example.com")
    unconfirmed = client.post(_url(initiative, "/stage"), data={"stage": "L5"})
    assert "Confirm every actual before signing off L5" in unconfirmed.get_data(as_text=True)
    assert client.post(_url(initiative, "/confirm")).status_code == 303
    assert client.post(_url(initiative, "/stage"), data={"stage": "L5"}).status_code == 303
    db.session.refresh(initiative)
    assert initiative.stage == L.L5
    assert initiative.entries[0].confirmed_by_id == finance.id
    assert initiative.moves[-1].decided_by_id == finance.id
    # Finance may not record values or move L0-L4.
    assert client.post(_url(initiative, "/values"), data=_value()).status_code == 403


def test_a_confirmed_actual_no_longer_changes(setting):
    _, initiative, pmo, finance = setting
    _at(initiative, L.L4, pmo.id)
    draft = service.ValueDraft(ValueKind.ACTUAL, ValueType.REVENUE, date(2026, 5, 1), 10, "")
    service.record_value(initiative, draft, pmo.id)
    service.confirm_actuals(initiative, finance.id)
    with pytest.raises(service.Refused, match="Finance confirmed"):
        service.record_value(initiative, _with(draft, 12), pmo.id)


def _with(draft: service.ValueDraft, amount: float) -> service.ValueDraft:
    return service.ValueDraft(draft.kind, draft.value_type, draft.month, amount, draft.reason)


def test_sponsors_read_and_do_not_decide(client, auth, setting):
    programme, initiative, *_ = setting
    auth.login("sponsor@example.com")
    assert client.get(f"/programmes/{programme.id}/benefits").status_code == 200
    page = client.get(_url(initiative)).get_data(as_text=True)
    assert "Billing automation" in page and "Record a value" not in page
    assert client.post(_url(initiative, "/stage"), data={"stage": "L1"}).status_code == 403


def test_the_register_rolls_up_by_stage_and_against_the_target(setting):
    programme, initiative, pmo, _ = setting
    programme.value_target = 5000.0
    other = service.create_initiative(
        programme, service.InitiativeDraft("Intake triage", "", None, "Intake", None, ())
    )
    _at(initiative, L.L3, pmo.id)
    for kind, value_type, amount in (
        (ValueKind.PLANNED, ValueType.RECURRING_SAVING, 3000),
        (ValueKind.PLANNED, ValueType.COST_TO_ACHIEVE, 1000),
        (ValueKind.FORECAST, ValueType.RECURRING_SAVING, 2500),
    ):
        draft = service.ValueDraft(kind, value_type, date(2026, 4, 1), amount, "initial plan")
        service.record_value(initiative, draft, pmo.id)
    draft = service.ValueDraft(ValueKind.PLANNED, ValueType.REVENUE, date(2026, 6, 1), 700, "")
    service.record_value(other, draft, pmo.id)

    register = queries.register(programme, BenefitFilters(), factories.SUITE_DAY)
    assert register.planned.net == 3000 - 1000 + 700
    by_stage = {s.stage: s for s in register.pipeline}
    assert (by_stage[L.L3].count, by_stage[L.L3].planned, by_stage[L.L3].expected) == (
        1,
        2000,
        2500,
    )
    assert (by_stage[L.L0].count, by_stage[L.L0].expected) == (1, 700)
    assert register.expected == 3200 and register.gap == 1800
    filtered = queries.register(
        programme, BenefitFilters(workstream="Intake"), factories.SUITE_DAY
    )
    assert [row.initiative.name for row in filtered.rows] == ["Intake triage"]


def test_the_demo_carries_a_register_at_several_stages_with_value_at_risk(client, auth, db):
    programme = factories.demo_programme()
    outsourcing = db.session.scalar(
        select(Programme).where(Programme.name == "Customer support outsourcing")
    )
    for each in (programme, outsourcing):
        stages = set(
            db.session.scalars(select(Initiative.stage).where(Initiative.programme_id == each.id))
        )
        assert len(stages) >= 4
    register = queries.register(programme, BenefitFilters(), factories.SUITE_DAY)
    assert register.at_risk > 0
    auth.login("finance@example.com", "demo-password")
    page = client.get(f"/programmes/{programme.id}/benefits").get_data(as_text=True)
    assert "Automated time capture and billing" in page and "Gap to target" in page


def test_a_team_hidden_for_anonymity_contributes_no_figure_to_value_at_risk(setting):
    programme, initiative, pmo, _ = setting
    shown, hidden = Team(name="Shown team"), Team(name="Hidden team")
    db.session.add_all([shown, hidden])
    db.session.flush()
    initiative.teams = [shown, hidden]
    _at(initiative, L.L3, pmo.id)
    draft = service.ValueDraft(ValueKind.FORECAST, ValueType.REVENUE, date(2026, 9, 1), 1000, "")
    service.record_value(initiative, draft, pmo.id)
    latest = queries.LatestAdoption(
        wave=None,
        rows={
            shown.id: TeamFigures(
                shown.id, "Shown team", 0, CellState.SHOWN, 10, Estimate(60.0), Estimate(70.0)
            ),
            hidden.id: TeamFigures(hidden.id, "Hidden team", 0, CellState.BELOW_THRESHOLD),
        },
    )
    people = queries.people_beside_value(initiative, latest)
    states = {figure.name: figure.state for figure in people.teams}
    assert states == {"Shown team": "shown", "Hidden team": "below_threshold"}
    assert people.risk.respondents == 10
    assert people.risk.value == pytest.approx(300)  # 1000 × 30 % not adopted


def test_the_register_filters_by_stage_and_serves_htmx_its_fragment(client, auth, setting):
    programme, initiative, pmo, _ = setting
    service.create_initiative(
        programme, service.InitiativeDraft("Intake triage", "", None, "Intake", None, ())
    )
    _at(initiative, L.L1, pmo.id)
    auth.login("sponsor@example.com")
    url = f"/programmes/{programme.id}/benefits"
    page = client.get(url, query_string={"stage": "L1"}).get_data(as_text=True)
    assert "Billing automation" in page and "Intake triage" not in page
    fragment = client.get(url, query_string={"stage": "L9"}, headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "Billing automation" in text and "Intake triage" in text


def test_the_api_lists_initiatives_with_their_value_for_members_only(client, db):
    programme = factories.demo_programme()
    user = db.session.scalar(select(User).where(User.email == "sponsor@example.com"))
    _token, secret = create_token(user, "BI")
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/programmes/{programme.id}/initiatives"
    body = client.get(url, headers=headers).get_json()
    register = queries.register(programme, BenefitFilters(), factories.SUITE_DAY)
    assert body["total"] == len(register.rows) == 6
    by_name = {item["name"]: item for item in body["items"]}
    billing = by_name["Automated time capture and billing"]
    row = next(r for r in register.rows if r.initiative.name == billing["name"])
    assert billing["stage"] == "L4" and billing["currency"] == "GBP"
    assert billing["expected_net"] == row.expected and billing["value_at_risk"] == row.risk.value
    assert by_name["Records storage consolidation"]["value_at_risk"] is None
    other = db.session.scalar(
        select(Programme).where(Programme.name == "Customer support outsourcing")
    )
    outsider = db.session.scalar(select(User).where(User.email == "agent@example.com"))
    _token, secret = create_token(outsider, "BI")
    refused = client.get(
        f"/api/v1/programmes/{other.id}/initiatives",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert refused.status_code == 404


def test_the_register_exports_to_a_workbook_with_formula_text_kept_as_text(client, auth, setting):
    programme, initiative, pmo, _ = setting
    initiative.name = "=HYPERLINK(1)"
    draft = service.ValueDraft(ValueKind.PLANNED, ValueType.REVENUE, date(2026, 6, 1), 700, "")
    service.record_value(initiative, draft, pmo.id)
    db.session.commit()
    auth.login("sponsor@example.com")
    response = client.get(f"/programmes/{programme.id}/benefits/export.xlsx")
    assert response.status_code == 200
    assert "benefits-2026-11-22.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    initiatives = list(workbook["Initiatives"].values)
    assert initiatives[0][6] == "Planned net (GBP)"
    assert initiatives[1][1] == "=HYPERLINK(1)" and initiatives[1][6] == 700
    assert workbook["Initiatives"]["B2"].data_type == "s"
    values = list(workbook["Values"].values)
    assert values[1][3:6] == ("planned", "revenue", 700)


def _upload(client, programme: Programme, text: str):
    return client.post(
        f"/programmes/{programme.id}/benefits/import",
        data={"file": (io.BytesIO(text.encode()), "values.csv")},
        content_type="multipart/form-data",
    )


def test_values_import_from_a_file_under_the_form_rules(client, auth, setting):
    programme, initiative, pmo, _ = setting
    _at(initiative, L.L3, pmo.id)
    auth.login("pmo@example.com")
    response = _upload(
        client,
        programme,
        "Initiative id,Month,Kind,Type,Amount,Reason\n"
        f"{initiative.id},2026-06,forecast,recurring_saving,1500,\n"
        f"{initiative.id},2026-07-01,planned,Cost to achieve,800,Scope grew\n",
    )
    assert response.status_code == 303
    db.session.refresh(initiative)
    assert sorted((e.kind.value, e.month.month, e.amount) for e in initiative.entries) == [
        ("forecast", 6, 1500),
        ("planned", 7, 800),
    ]
    assert [r.reason for r in initiative.rebaselines] == ["Scope grew"]


def test_one_bad_row_imports_nothing_and_every_bad_row_is_listed(client, auth, setting):
    programme, initiative, pmo, _ = setting
    _at(initiative, L.L3, pmo.id)
    auth.login("pmo@example.com")
    response = _upload(
        client,
        programme,
        "Initiative id,Month,Kind,Type,Amount,Reason\n"
        f"{initiative.id},2026-06,forecast,revenue,1500,\n"
        f"{initiative.id},2026-06,actual,revenue,100,\n"
        f"{initiative.id},2027-03,forecast,revenue,100,\n"
        f"{initiative.id},2026-08,forecast,revenue,-4,\n"
        f"{initiative.id},2026-08,planned,revenue,40,\n"
        "99999,2026-08,forecast,revenue,4,\n",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported: 5 problems" in page
    for message in (
        "Actuals start at L4",
        "Choose a month within the programme",
        "Enter savings and revenue as positive amounts",
        "The plan is locked from L3",
        "No initiative of this programme has this id",
    ):
        assert message in page
    db.session.refresh(initiative)
    assert initiative.entries == []


def test_a_value_breaking_several_rules_shows_each_at_its_field(client, auth, setting):
    _, initiative, *_ = setting
    auth.login("pmo@example.com")
    data = _value(kind="actual", month="2030-01", amount="-100")
    response = client.post(_url(initiative, "/values"), data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("kind", "month", "amount"):
        assert f'id="{field}-error"' in page


def test_an_edit_of_a_changed_initiative_is_refused_as_stale(client, auth, setting):
    programme, initiative, *_ = setting
    auth.login("pmo@example.com")
    url = _url(initiative, "/edit")
    page = client.get(url).get_data(as_text=True)
    assert f'name="version" type="hidden" value="{initiative.version}"' in page
    data = {"name": "Renamed", "version": str(initiative.version)}
    assert client.post(url, data=data).status_code == 303
    stale = client.post(url, data={"name": "Renamed again", "version": data["version"]})
    assert stale.status_code == 409
    assert "Someone changed this initiative" in stale.get_data(as_text=True)
    db.session.refresh(initiative)
    assert initiative.name == "Renamed"
