"""Fuzzed survey answers on the respondent pages (/s/<token> single-use, /t/<token> team link).

100 examples per form in CI on SQLite, 40 on PostgreSQL, 1,000 in make bench
(FUZZ_EXAMPLES; see conftest.py).
Each example posts hypothesis-generated answers (scale values out of range, "dk", text,
control characters, long comments, answers for items not in the survey, fields sent
twice, missing answers) to an open wave of the demo programme; the response must be
below 500, and a refusal must store nothing: no response, no answer, no spent link.
"""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.fuzz.conftest import FUZZ, World, assert_refusal_wrote_nothing, row_counts
from tests.fuzz.strategies import junk, long_text
from transform import clock
from transform.extensions import db
from transform.models import ImpactedTeam, Instrument, Team, Wave, WaveStatus, WaveTeam
from transform.seeds import ADKAR_PULSE_NAME
from transform.waves import service

LINKS = 300


@pytest.fixture
def survey(world: World):
    """An open wave of the ADKAR pulse for one impacted team, with links to answer it."""
    today = clock.today()
    pid = world.ids["programme"]
    team = db.session.scalar(
        select(Team).join(ImpactedTeam).where(ImpactedTeam.programme_id == pid).limit(1)
    )
    # Links are capped at a team's headcount: one link per fuzzed submission.
    team.headcount = LINKS
    instrument = db.session.scalar(select(Instrument).where(Instrument.name == ADKAR_PULSE_NAME))
    wave = Wave(
        programme_id=pid,
        instrument_id=instrument.id,
        name="Fuzz pulse",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=5),
        status=WaveStatus.OPEN,
        teams=[WaveTeam(team_id=team.id)],
    )
    db.session.add(wave)
    db.session.flush()
    tokens = service.issue_links(wave, team, LINKS)
    team_token = service.issue_team_link(wave.teams[0])
    db.session.commit()
    codes = [item.code for item in instrument.items]
    return tokens, team_token, codes


def _answers(codes: list[str]):
    answer = st.one_of(
        st.none(),
        st.integers(-2, 12).map(str),
        st.sampled_from(["dk", "DK", "", " 3", "3.0", "nan", "1e3"]),
        junk,
        st.lists(st.integers(1, 5).map(str), min_size=2, max_size=2),
    )
    answers = st.fixed_dictionaries({f"item-{code}": answer for code in codes})
    extra = st.dictionaries(
        st.one_of(st.text(max_size=12).map(lambda s: f"item-{s}"), st.text(max_size=12)),
        junk,
        max_size=2,
    )
    comment = st.one_of(st.none(), junk, long_text, st.text(max_size=300))

    def build(values, extras, comment):
        data = {k: v for k, v in extras.items()}
        data.update({k: v for k, v in values.items() if v is not None})
        if comment is not None:
            data["comment"] = comment
        return data

    return st.builds(build, answers, extra, comment)


@pytest.mark.parametrize("kind", ["single-use", "team"])
def test_fuzzed_answers_get_no_500_and_a_refusal_stores_nothing(client, survey, kind):
    tokens, team_token, codes = survey

    @FUZZ
    @given(data=_answers(codes), pick=st.integers(0, LINKS - 1))
    def post(data: dict, pick: int) -> None:
        path = f"/t/{team_token}" if kind == "team" else f"/s/{tokens[pick]}"
        before = row_counts()
        response = client.post(path, data=data)
        assert_refusal_wrote_nothing(response, before)

    post()
