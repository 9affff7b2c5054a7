"""Exit 0 when PyPI's per-release JSON, where pip-audit reads vulnerabilities, answers.

A machine that reaches the package index but not that API (a registry mirror) cannot
audit; this says why instead of failing the audit on a network error.
"""

import re
import sys
import urllib.error
import urllib.request

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", re.M)


def main(lock_path: str) -> int:
    with open(lock_path, encoding="utf-8") as lock:
        pin = PIN.search(lock.read())
    if pin is None:
        print(f"{lock_path} pins nothing to audit", file=sys.stderr)
        return 1
    url = f"https://pypi.org/pypi/{pin.group(1)}/{pin.group(2)}/json"
    try:
        with urllib.request.urlopen(url, timeout=10):
            return 0
    except urllib.error.HTTPError as error:
        reason = f"HTTP {error.code}"
    except OSError as error:
        reason = str(getattr(error, "reason", error))
    print(f"PyPI's vulnerability data does not answer from here ({url}: {reason})")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"))
