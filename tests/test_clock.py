"""One clock: the app asks transform.clock for today and now, and tests set it."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import transform
from tests.clock_guard import SYSTEM_CLOCK_CALLS, system_clock_calls
from tests.factories import SUITE_DAY
from transform import clock

PACKAGE = Path(transform.__file__).parent
#: Modules allowed to read it, and why: the clock itself, and nothing else.
ALLOWED = {"clock.py"}


def test_nothing_but_the_clock_reads_the_system_clock():
    offenders = [
        call
        for path in sorted(PACKAGE.rglob("*.py"))
        if (name := str(path.relative_to(PACKAGE))) not in ALLOWED
        for call in system_clock_calls(path.read_text(), name)
    ]
    assert offenders == []


def test_the_guard_finds_planted_reads():
    # Each kind of read, planted one a line, plain and through a module (datetime.datetime).
    reads = sorted(f"{owner}.{attribute}()" for owner, attribute in SYSTEM_CLOCK_CALLS)
    source = "\n".join(
        f"value = {'datetime.' if read.startswith('datetime') else ''}{read}" for read in reads
    )
    assert system_clock_calls(source, "planted.py") == [
        f"planted.py:{line} {read}" for line, read in enumerate(reads, start=1)
    ]


def test_the_suite_runs_on_its_own_day_whatever_the_wall_clock_says():
    assert clock.today() == SUITE_DAY


def test_a_moved_clock_keeps_ticking_from_where_it_was_set():
    clock.set_to(datetime(2031, 2, 3, 4, 5, tzinfo=UTC))
    first = clock.now()
    second = clock.now()
    assert timedelta(0) <= first - datetime(2031, 2, 3, 4, 5, tzinfo=UTC) < timedelta(seconds=5)
    assert second >= first
    assert clock.utcnow().tzinfo is None


def test_a_date_sets_its_local_noon():
    clock.set_to(date(2030, 6, 1))
    assert clock.today() == date(2030, 6, 1)
    assert clock.now().astimezone().hour == 12


def test_reset_returns_to_the_system_clock():
    clock.set_to(date(2001, 1, 1))
    clock.reset()
    assert abs(clock.now() - clock.system_now()) < timedelta(seconds=5)
