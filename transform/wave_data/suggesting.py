"""Suggesting which column of a survey export holds what: pure, no Flask.

An item's column is one whose header, statement (a second header row) or bracketed code
(see layouts) is the item's code or text; the team, date, comment and response id
columns are found by the names survey tools give them.
"""

from collections.abc import Sequence

from transform.answers import ItemSpec
from transform.wave_data import layouts
from transform.wave_data.importing import ColumnMapping, TeamMatch

TEAM_HEADERS = {"team", "team name", "department", "unit", "org unit", "business unit"}
TEAM_ID_HEADERS = {"team id", "teamid", "team code", "team external id", "external id"}
#: Words that mark a question or column naming the team, such as "Which team are you in?"
TEAM_WORDS = {"team", "department"}
DAY_HEADERS = {"date", "day", "submitted on", "submitted", "date submitted", "submission date"}
DAY_HEADERS |= {"completion time", "end date", "end time", "timestamp", "completed"}
DAY_HEADERS |= {"enddate", "recordeddate", "submitdate"}
COMMENT_HEADERS = {"comment", "comments", "other comments", "any other comments", "remarks"}
RESPONSE_ID_HEADERS = {"responseid", "response id", "respondent id"}


def _column_keys(header: str, statement: str) -> set[str]:
    """What a column may be matched by: its header and statement, what a header holds in
    brackets (`Question [statement]`, `GROUP[CODE]`), and the part after " - " (Qualtrics
    writes a matrix row as "Question - Statement")."""
    keys = set()
    for text in (header, statement):
        if not text:
            continue
        keys.add(layouts.key(text))
        if found := layouts.bracketed(text):
            keys.add(layouts.key(found[1]))
        if " - " in text:
            keys.add(layouts.key(text.rsplit(" - ", 1)[1]))
    return keys


def suggest_mapping(
    headers: Sequence[str],
    items: Sequence[ItemSpec],
    statements: Sequence[str] = (),
    response_id_header: str | None = None,
) -> ColumnMapping:
    """Columns whose header, statement or bracketed code is an item's code or text, and
    likely team, date, comment and response id columns."""
    statements = list(statements) + [""] * (len(headers) - len(statements))
    first: dict[str, int] = {}
    for index, header in enumerate(headers):
        first.setdefault(layouts.key(header), index)
    for index, statement in enumerate(statements):
        if statement:
            first.setdefault(layouts.key(statement), index)

    def find(names) -> int | None:
        found = [first[name] for name in names if name in first]
        return min(found) if found else None

    columns = [_column_keys(header, statements[index]) for index, header in enumerate(headers)]
    by_item, used = {}, set()
    for item in items:
        wanted = {layouts.key(item.code), layouts.key(item.text)}
        found = next(
            (i for i, keys in enumerate(columns) if keys & wanted and i not in used), None
        )
        by_item[item.id] = found
        used.add(found)
    team, match = find(TEAM_HEADERS), TeamMatch.NAME
    if team is None and (team := find(TEAM_ID_HEADERS)) is not None:
        match = TeamMatch.EXTERNAL_ID
    if team is None:
        named = (i for i, header in enumerate(headers) if i not in used and _names_team(header))
        team = next(named, None)
    ids = {response_id_header} if response_id_header else RESPONSE_ID_HEADERS
    return ColumnMapping(by_item, team, match, find(DAY_HEADERS), find(COMMENT_HEADERS), find(ids))


def _names_team(header: str) -> bool:
    return bool(TEAM_WORDS & set(layouts.key(header).split()))
