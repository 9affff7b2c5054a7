"""Run every benchmark module under bench/ (`make bench`)."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    modules = [
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("bench_")
    ]
    if not modules:
        print("No benchmarks yet.")
        return 0
    failures = 0
    for name in sorted(modules):
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name} ==")
        failures += 0 if module.run() else 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
