"""How a 0-100 score is shown and banded: one rule for pages, PDFs, the API and gates.

A score is shown in whole points, halves rounded up: 69.5 shows 70, 69.4 shows 69. Its
band is the band of the number shown, never of the unrounded value: ready (green) from
70, caution (amber) from 50, not ready (red) below. So a readiness index of 69.6 reads
"70 Ready" beside a legend that says "ready from 70", and a gate's "at least 70" passes
it, as the reader of the page would expect. The same bands colour ADKAR element means.
"""

import enum
import math

READY_FROM = 70
CAUTION_FROM = 50


class Band(enum.StrEnum):
    READY = "ready"
    CAUTION = "caution"
    NOT_READY = "not_ready"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def tone(self) -> str:
        """The colour pages and charts give the band: high (green), mid (amber), low (red)."""
        return _TONES[self]


_TONES = {Band.READY: "high", Band.CAUTION: "mid", Band.NOT_READY: "low"}


def whole(value: float) -> int:
    """The value as shown: whole points, halves rounded up (69.5 -> 70, 68.5 -> 69).

    Python's round() sends halves to the even neighbour (68.5 -> 68), which no reader
    expects. Rounding to 9 decimals first keeps a weighted mean that should be 69.5 but
    comes out 69.49999999999999 on the side a reader would put it.
    """
    return math.floor(round(value, 9) + 0.5)


def band(value: float) -> Band:
    """The band of a 0-100 score, from the number shown: >= 70 ready, >= 50 caution."""
    shown = whole(value)
    if shown >= READY_FROM:
        return Band.READY
    if shown >= CAUTION_FROM:
        return Band.CAUTION
    return Band.NOT_READY


def reaches(value: float, minimum: float) -> bool:
    """Whether a score, as shown, is at least `minimum` (a gate's threshold)."""
    return whole(value) >= minimum
