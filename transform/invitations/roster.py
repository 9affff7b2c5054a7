"""Reading and checking a wave's roster (CSV, Excel or pasted text): pure, no Flask.

The columns are an address, a team (its name, its id in transform, or the id the HR
system uses) and optionally a language. Every row is checked and every bad one listed
(a bad address, an unknown team, an address twice, a team with more people than its
headcount); `check_roster` raises ImportRefused unless every row is right.
"""

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from transform.import_problems import PROBLEMS_LISTED, ImportRefused, Problem
from transform.tabular_files import TableRefused, cell, data_rows, read_table

MAX_ROWS = 50_000
EMAIL_MAX = 254
#: Loose on purpose: the mail server is the judge; this catches what is plainly not one.
EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]{2,}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
ALIASES = {
    "email": "email",
    "e mail": "email",
    "email address": "email",
    "address": "email",
    "team": "team",
    "team name": "team",
    "team id": "team",
    "language": "language",
    "lang": "language",
}


@dataclass(frozen=True)
class RosterRow:
    line: int
    email: str
    team: str
    language: str


@dataclass(frozen=True)
class RosterTeam:
    """A team the wave surveys, and how many more people it may invite."""

    id: int
    name: str
    external_id: str | None
    #: Its headcount, less the people already on the roster.
    places: int


@dataclass(frozen=True)
class Invitee:
    email: str
    team_id: int
    language: str | None


def read_roster(filename: str, data: bytes) -> list[RosterRow]:
    """The rows of a .csv or .xlsx file, or of pasted text (filename "pasted.csv")."""
    try:
        sheet = read_table(filename, data)
        columns, rows = data_rows(sheet.rows, MAX_ROWS, "people", _columns)
    except TableRefused as refused:
        raise ImportRefused([Problem(refused.message)]) from None

    def value(cells: list[str], field: str) -> str:
        return str(cell(cells, columns[field])) if field in columns else ""

    return [
        RosterRow(line, value(cells, "email"), value(cells, "team"), value(cells, "language"))
        for line, cells in rows
    ]


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        field = ALIASES.get(re.sub(r"[\s_\-]+", " ", str(text).strip().lower()))
        if field is None:
            continue
        if field in columns:
            raise TableRefused(f"The column “{str(text).strip()}” appears more than once.")
        columns[field] = index
    missing = [name for name in ("email", "team") if name not in columns]
    if missing:
        raise TableRefused(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. The "
            "first row must name the columns email, team and, if you like, language."
        )
    return columns


def check_roster(
    rows: Sequence[RosterRow],
    teams: Sequence[RosterTeam],
    known_emails: set[str],
    language_refusal: Callable[[str], str | None] = lambda _code: None,
) -> list[Invitee]:
    """The people to invite, or ImportRefused listing every bad row.

    `language_refusal` says why the wave's survey cannot be sent in a language code (no
    translation, or an incomplete one), or None when it can.
    """
    problems: list[Problem] = []
    invitees: list[tuple[int, Invitee]] = []
    seen: dict[str, int] = {}
    for row in rows:
        email = row.email.strip().lower()
        row_problems = _address_problems(row.line, email, seen, known_emails)
        team = _team(row.team, teams)
        if team is None:
            row_problems.append(
                Problem(
                    f"“{row.team}” is not a team this wave surveys."
                    if row.team
                    else "The team is missing.",
                    row.line,
                    "team",
                )
            )
        language = row.language.strip().lower().replace("_", "-")
        if language and not LANGUAGE.match(language):
            message = f"“{row.language}” is not a language code such as en, fr or pt-br."
            row_problems.append(Problem(message, row.line, "language"))
        elif language and (refusal := language_refusal(language)):
            row_problems.append(Problem(refusal, row.line, "language"))
        seen.setdefault(email, row.line)
        problems += row_problems
        if not row_problems:
            invitees.append((row.line, Invitee(email, team.id, language or None)))
    problems += _over_headcount(invitees, teams)
    if problems:
        problems.sort(key=lambda problem: problem.lines)
        raise ImportRefused(problems[:PROBLEMS_LISTED], len(problems))
    return [invitee for _line, invitee in invitees]


def _address_problems(line: int, email: str, seen: dict[str, int], known: set[str]):
    if not email:
        return [Problem("The address is missing.", line, "email")]
    if len(email) > EMAIL_MAX or not EMAIL.match(email):
        return [Problem(f"“{email}” is not an e-mail address.", line, "email")]
    if email in seen:
        return [Problem(f"{email} is already on row {seen[email]}.", line, "email")]
    if email in known:
        return [Problem(f"{email} is already on this wave's roster.", line, "email")]
    return []


def _team(value: str, teams: Sequence[RosterTeam]) -> RosterTeam | None:
    value = value.strip()
    for team in teams:
        if value and value in (team.name, team.external_id, str(team.id)):
            return team
    lowered = value.lower()
    matches = [team for team in teams if team.name.lower() == lowered]
    return matches[0] if len(matches) == 1 else None


def _over_headcount(invitees, teams: Sequence[RosterTeam]) -> list[Problem]:
    """A team's invitations are capped at its headcount, as its links are, so that
    nobody can answer spare links to lift it over the anonymity threshold."""
    per_team = Counter(invitee.team_id for _line, invitee in invitees)
    problems = []
    for team in teams:
        if per_team[team.id] > team.places:
            lines = [line for line, invitee in invitees if invitee.team_id == team.id]
            message = (
                f"{team.name} has room for {team.places} more people (its headcount less "
                f"those already invited) and the roster names {per_team[team.id]}: correct "
                "the headcount on the team's page, or the roster."
            )
            problems.append(Problem.at_rows(message, lines, column="team"))
    return problems
