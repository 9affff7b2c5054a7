"""What an all-or-nothing import reports when it refuses a file: every problem, located."""

from collections.abc import Sequence
from dataclasses import dataclass

#: Problems kept for display; the rest are only counted.
PROBLEMS_LISTED = 500


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: a row and column, or the whole file (line None)."""

    message: str
    line: int | None = None
    column: str = ""

    @property
    def where(self) -> str:
        return f"Row {self.line}" if self.line else "File"


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
