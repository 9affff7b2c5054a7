"""What an all-or-nothing import reports when it refuses a file: every problem, located."""

from collections.abc import Sequence
from dataclasses import dataclass

from transform.value_reading import Unsettled

#: Problems kept for display; the rest are only counted.
PROBLEMS_LISTED = 500
#: Rows or runs of rows named in one problem's "where"; the rest are counted.
RUNS_NAMED = 8


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: a row and column, or the whole file (line None). A
    problem of several rows (one cause, such as dates that could be read two ways)
    names the rest in `more_lines`."""

    message: str
    line: int | None = None
    column: str = ""
    more_lines: tuple[int, ...] = ()
    #: What the problem is about when a row names it, e.g. a team's external id.
    subject: str = ""

    @classmethod
    def at_rows(cls, message: str, lines: Sequence[int], **kwargs) -> "Problem":
        """A problem of one cause over several rows (none: the whole file)."""
        first, *rest = sorted(lines) or [None]
        return cls(message, first, more_lines=tuple(rest), **kwargs)

    @property
    def lines(self) -> tuple[int, ...]:
        return () if self.line is None else (self.line, *self.more_lines)

    @property
    def where(self) -> str:
        return "File" if self.line is None else rows_label(self.lines)


def rows_label(lines: Sequence[int]) -> str:
    """Rows as people read them: "Row 4", "Rows 2, 3, 9", "Rows 2–5, 9" (a run of three
    or more as a range), "Rows 2, 4, 6, 8, 10, 12, 14, 16 and 12 more"."""
    runs: list[list[int]] = []
    lines = sorted(set(lines))
    for line in lines:
        if runs and line == runs[-1][-1] + 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    named: list[tuple[str, int]] = []  # (as written, rows it stands for)
    for run in runs:
        if len(run) > 2:
            named.append((f"{run[0]}–{run[-1]}", len(run)))
        else:
            named += [(str(line), 1) for line in run]
    label = "Row" if len(lines) == 1 else "Rows"
    shown = named[:RUNS_NAMED]
    listed = f"{label} {', '.join(name for name, _rows in shown)}"
    if len(named) <= RUNS_NAMED:
        return listed
    return f"{listed} and {len(lines) - sum(rows for _name, rows in shown):,} more"


def unsettled_problem(unsettled: Unsettled, column: str) -> Problem:
    """The problem of values in a column that could not be read one way only."""
    return Problem.at_rows(unsettled.message, unsettled.lines, column=column)


class ImportRefused(ValueError):
    """The file cannot be imported; `problems` lists the first reasons, `total` counts all."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None):
        super().__init__("; ".join(problem.message for problem in problems[:3]))
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total

    @property
    def unlisted(self) -> int:
        return self.total - len(self.problems)


def file_refused(message: str) -> ImportRefused:
    """A refusal of the whole file, for one reason."""
    return ImportRefused([Problem(message)])
