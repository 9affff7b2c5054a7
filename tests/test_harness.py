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


#: Test folders for kinds of test that cross every package, not for one package.
CROSS_CUTTING = {"browser", "concurrency", "fuzz", "fixtures"}


def test_test_folders_mirror_the_packages_they_test():
    package = TESTS.parent / "transform"
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    strays = sorted(
        f
        for f in folders - CROSS_CUTTING
        if not (package / f / "__init__.py").exists() and not (package / f"{f}.py").exists()
    )
    assert not strays, f"test folders named after no module of transform/: {strays}"
