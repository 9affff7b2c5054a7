"""The result of every estimate in the scoring core: a value with its interval and n.

A figure that cannot be estimated is not NaN: its value is None and `reason` says why
("no responses", "one respondent", "a single item", "no variance" ...), so a page, a
PDF or the API can say so in words.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
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


_new = object.__new__


def quick(
    value: float | None, ci_low: float | None, ci_high: float | None, n: int, reason: str | None
) -> Estimate:
    """Estimate(value, ci_low, ci_high, n, reason), made at a third of the cost.

    A frozen dataclass sets each field through object.__setattr__; a wave of thousands of
    teams makes tens of thousands of estimates, so the core's vectorised paths fill the
    instance's dict directly. The result is an ordinary, equal Estimate.
    """
    estimate = _new(Estimate)
    fields = estimate.__dict__
    fields["value"] = value
    fields["ci_low"] = ci_low
    fields["ci_high"] = ci_high
    fields["n"] = n
    fields["reason"] = reason
    return estimate


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the core builds many estimates.

    Estimates hold no cycles, but allocating tens of thousands of them sets off
    collections that walk the whole heap: on a wave of 2,000 teams they cost more than
    the estimates themselves. The collector runs again as before on the way out.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
