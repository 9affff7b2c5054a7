"""Fuzzed bad input (tests/fuzz) at the bench budget: 1,000 examples per form.

CI runs the same suite with 200 examples per form on SQLite and 60 on PostgreSQL. Here it runs
through `pytest.main` with FUZZ_EXAMPLES=1000, on SQLite, or on the database in
TEST_DATABASE_URL when that is set (the test fixtures wipe its public schema).
"""

import os
import sys
import time
from pathlib import Path

import pytest

EXAMPLES = 1000
SUITE = Path(__file__).resolve().parent.parent / "tests" / "fuzz"


def run() -> bool:
    previous = os.environ.get("FUZZ_EXAMPLES")
    os.environ["FUZZ_EXAMPLES"] = str(EXAMPLES)
    started = time.perf_counter()
    try:
        code = pytest.main(["-q", "-p", "no:cacheprovider", str(SUITE)])
    finally:
        if previous is None:
            os.environ.pop("FUZZ_EXAMPLES", None)
        else:
            os.environ["FUZZ_EXAMPLES"] = previous
    elapsed = time.perf_counter() - started
    passed = code == pytest.ExitCode.OK
    result = "passed" if passed else f"FAILED (pytest exit code {int(code)})"
    print(f"fuzz: {EXAMPLES} examples per form, {elapsed:.0f} s, {result}")
    return passed


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
