"""Finding reads of the system clock in source: what keeps every module on transform.clock."""

import ast

#: Reads of the system clock, as (owner, attribute) of a call.
SYSTEM_CLOCK_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("time", "time"),
}


def system_clock_calls(source: str, name: str) -> list[str]:
    """Each read of the system clock in `source`, as "name:line owner.attribute()"."""
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
