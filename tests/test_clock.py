"""One clock: the app asks transform.clock for today and now, and tests set it."""

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import transform
from tests.factories import SUITE_DAY
from transform import clock

PACKAGE = Path(transform.__file__).parent
#: Reads of the system clock, as attribute chains.
SYSTEM_CLOCK_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("time", "time"),
}
#: Modules allowed to read it, and why.
ALLOWED = {
    # The clock itself.
    "clock.py",
    # Pending uploads expire by their files' modification times, which the file system
    # stamps from the system clock: the age must be measured on the same clock.
    "pending_uploads.py",
}


def _system_clock_calls(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = (
                owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            )
            if (owner_name, node.func.attr) in SYSTEM_CLOCK_CALLS:
                found.append(f"{name}:{node.lineno} {owner_name}.{node.func.attr}()")
    return found


def test_nothing_but_the_clock_reads_the_system_clock():
    offenders = [
        call
        for path in sorted(PACKAGE.rglob("*.py"))
        if (name := str(path.relative_to(PACKAGE))) not in ALLOWED
        for call in _system_clock_calls(path.read_text(), name)
    ]
    assert offenders == []


def test_the_guard_finds_planted_reads():
    source = "import datetime\nimport date\nA = date.today()\nB = datetime.datetime.now()"
    assert _system_clock_calls(source, "planted.py") == [
        "planted.py:3 date.today()",
        "planted.py:4 datetime.now()",
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
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
