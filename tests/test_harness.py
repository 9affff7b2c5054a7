"""The test harness keeps the pure scoring tests pure: no app, no database, no migration."""

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent


def test_the_scoring_tests_set_up_no_app_and_no_database():
    plan = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(TESTS / "scoring"),
            "--setup-plan",
            "-q",
            "-p",
            "no:randomly",
        ],
        capture_output=True,
        text=True,
        cwd=TESTS.parent,
        check=False,
    )
    assert plan.returncode == 0, plan.stdout + plan.stderr
    # Lines read "SETUP    S app (fixtures used: ...)": the scope letter, then the fixture.
    set_up = {
        line.split()[2] for line in plan.stdout.splitlines() if line.strip().startswith("SETUP")
    }
    assert set_up, "the plan lists no fixtures: pytest's output changed"
    assert not set_up & {"app", "database_url", "client"}, sorted(set_up)
