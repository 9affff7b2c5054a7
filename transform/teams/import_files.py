"""Reading an uploaded org-structure file, CSV or Excel, into rows: pure, no Flask.

The bytes are read by transform.tabular_files, as every importer reads them: the type
is checked by extension and by content; a CSV may be UTF-8 or Windows-1252 and comma,
semicolon or tab separated. Header names are matched loosely ("Team ID", "team_id" and
"id" are one column). Problems with the whole file raise ImportRefused.
"""

from transform.tabular_files import FileRows, Layout, TableRefused, read_rows
from transform.teams.importing import ImportRefused, Problem, SourceRow

MAX_ROWS = 20_000
#: The columns as the template names them, and the SourceRow field each fills.
COLUMNS = ("team id", "name", "parent id", "headcount")
LAYOUT = Layout(
    fields=("team_id", "name", "parent_id", "headcount"),
    labels=COLUMNS,
    aliases={
        "team id": "team_id",
        "teamid": "team_id",
        "id": "team_id",
        "name": "name",
        "team name": "name",
        "parent id": "parent_id",
        "parentid": "parent_id",
        "parent": "parent_id",
        "parent team id": "parent_id",
        "headcount": "headcount",
        "head count": "headcount",
    },
    what="teams",
)


def read_file(filename: str, data: bytes) -> FileRows[SourceRow]:
    """The rows of a .csv or .xlsx file, checking its type by extension and by content."""
    try:
        return read_rows(filename, data, LAYOUT, SourceRow, MAX_ROWS)
    except TableRefused as refused:
        raise ImportRefused([Problem(refused.message)]) from None
