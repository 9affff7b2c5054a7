"""The scoring core imports only the standard library, numpy, pandas and scipy."""

import ast
import sys
from pathlib import Path

import transform.scoring
from tests.clock_guard import system_clock_calls

ALLOWED_THIRD_PARTY = {"numpy", "pandas", "scipy"}
SCORING_DIR = Path(transform.scoring.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_scoring_modules_import_nothing_but_stdlib_numpy_pandas():
    for path in SCORING_DIR.rglob("*.py"):
        for root in _imported_roots(path):
            allowed = (
                root in sys.stdlib_module_names
                or root in ALLOWED_THIRD_PARTY
                or root == "transform"
            )
            assert allowed, f"{path.name} imports {root}"


def test_scoring_modules_import_only_scoring_from_transform():
    for path in SCORING_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.startswith("transform"):
                    assert node.module.startswith("transform.scoring"), (
                        f"{path.name} imports {node.module}"
                    )


def test_scoring_never_reads_the_clock():
    reads = [
        read
        for path in sorted(SCORING_DIR.rglob("*.py"))
        for read in system_clock_calls(path.read_text(), path.name)
    ]
    assert reads == []
