"""The layers of transform/ hold: read every import and name the one that breaks them.

- the shared layer (the scoring core, models, indices, charts and the modules beside
  them) imports no feature and nothing above the features;
- a feature reaches another feature only through its public surface: `queries` (reads)
  and `service` (changes);
- nothing but the factory and the CLI imports `reports`; features never import `api`;
- no two packages import each other, directly or round a longer loop.

Beside tests/scoring/test_purity.py, which keeps the core itself pure.
"""

import ast
from collections import defaultdict
from pathlib import Path

import transform

PACKAGE = Path(transform.__file__).parent
#: One blueprint package (or module) per feature, side by side.
FEATURES = frozenset(
    {
        "admin",
        "adoption",
        "agents",
        "audit_views",
        "auth",
        "benefits",
        "feedback",
        "health",
        "instruments",
        "invitations",
        "kpis",
        "load",
        "memberships",
        "methodologies",
        "phases",
        "programmes",
        "raid",
        "teams",
        "wave_data",
        "waves",
        "webhooks",
    }
)
#: Above the features: the factory, the CLI, error pages, reports, the API, the demo.
ABOVE = frozenset({"__init__", "cli", "errors", "reports", "api", "demo", "backup"})
#: What one feature may import of another.
PUBLIC_SURFACE = frozenset({"queries", "service"})
#: Who may import reports.
REPORTS_IMPORTERS = frozenset({"__init__", "cli"})


def imports(package: Path = PACKAGE) -> list[tuple[str, str, str]]:
    """(importing file, its top-level unit, imported module) for every transform import."""
    found = []
    for path in sorted(package.rglob("*.py")):
        unit = path.relative_to(package).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
                # `from transform.x import y` may import the module x.y.
                modules += [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                if module.startswith("transform."):
                    found.append((str(path.relative_to(package.parent)), unit, module))
    return found


def violations(found: list[tuple[str, str, str]]) -> list[str]:
    """Every import that breaks a rule above, in words."""
    broken = []
    edges: dict[str, set[str]] = defaultdict(set)
    for where, unit, module in found:
        parts = module.split(".")
        target = parts[1]
        if target == unit:
            continue
        edges[unit].add(target)
        if unit not in FEATURES | ABOVE and target in FEATURES | ABOVE:
            broken.append(f"{where}: the shared layer imports {module}")
        if unit in FEATURES and target in FEATURES and len(parts) > 2:
            inner = parts[2]
            if inner not in PUBLIC_SURFACE and not _is_name(module):
                broken.append(f"{where}: reaches into another feature, {module}")
        if target == "reports" and unit not in REPORTS_IMPORTERS | {"reports"}:
            broken.append(f"{where}: only the factory and the CLI import reports ({module})")
        if unit in FEATURES and target in ABOVE:
            broken.append(f"{where}: a feature imports {module}, which sits above the features")
    broken += [f"import loop: {' → '.join(loop)}" for loop in _loops(edges)]
    return sorted(set(broken))


def _is_name(module: str) -> bool:
    """`from transform.kpis import service` lists transform.kpis.service as a module; the
    plain `transform.kpis` (the package) says nothing by itself."""
    return len(module.split(".")) == 2


def _loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each import loop between units, found by depth-first search."""
    loops, state = [], {}

    def visit(unit: str, path: list[str]) -> None:
        state[unit] = "open"
        for target in sorted(edges.get(unit, ())):
            if state.get(target) == "open":
                loops.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[unit] = "done"

    for unit in sorted(edges):
        if unit not in state:
            visit(unit, [unit])
    return loops


def test_the_layers_hold():
    assert violations(imports()) == []


def test_the_check_names_a_planted_violation_of_each_rule():
    planted = [
        ("transform/charts/svg.py", "charts", "transform.kpis.queries"),
        ("transform/kpis/views.py", "kpis", "transform.phases.forms"),
        ("transform/kpis/views.py", "kpis", "transform.reports.store"),
        ("transform/raid/views.py", "raid", "transform.api.blueprint"),
        ("transform/feedback/x.py", "feedback", "transform.agents.queries"),
        ("transform/agents/x.py", "agents", "transform.feedback.queries"),
    ]
    found = violations(planted)
    assert found == [
        "import loop: agents → feedback → agents",
        "transform/charts/svg.py: the shared layer imports transform.kpis.queries",
        "transform/kpis/views.py: a feature imports transform.reports.store, which sits above "
        "the features",
        "transform/kpis/views.py: only the factory and the CLI import reports "
        "(transform.reports.store)",
        "transform/kpis/views.py: reaches into another feature, transform.phases.forms",
        "transform/raid/views.py: a feature imports transform.api.blueprint, which sits "
        "above the features",
    ]


def test_every_package_has_an_init():
    missing = [
        str(folder.relative_to(PACKAGE))
        for folder in PACKAGE.rglob("*")
        if folder.is_dir()
        and folder.name != "__pycache__"
        and not (folder / "__init__.py").exists()
    ]
    assert missing == []
