"""The result of every estimate in the scoring core: a value with its interval and n.

A figure that cannot be estimated is not NaN: its value is None and `reason` says why
("no responses", "one respondent", "a single item", "no variance" ...), so a page, a
PDF or the API can say so in words.
"""

from dataclasses import dataclass

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    #: Why there is no value (or no interval); None when all is well.
    reason: str | None = None

    @property
    def is_missing(self) -> bool:
        return self.value is None

    @classmethod
    def missing(cls, reason: str, n: int = 0) -> "Estimate":
        return cls(value=None, n=n, reason=reason)
