"""Schemathesis against the served OpenAPI document: the examples and coverage phases.

Checks: no server errors, status codes the document declares, responses that match their
schemas, and rejection of data the schemas forbid. The app is served on a live port with
a committed database of its own holding the demo, and schemathesis's command line runs
against it with a token of the demo's PMO, so generated writes land there and nowhere else.
(Its pytest plugin does not run under pytest 9 yet; the command line is the same engine.)
"""

import json
import re
import subprocess
import sys
import threading
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.live_app import dispose, make_live_app
from transform.api.tokens import create_token
from transform.demo import load_demo
from transform.extensions import db as _db
from transform.models import User

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


@pytest.fixture(autouse=True)
def db():
    """Not the rolled-back test session: the served app commits to its own database."""
    yield None


@pytest.fixture(scope="module")
def served_api(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "schemathesis")
    # The largest bodies the schemas allow (5,000 rows) pass the production upload limit.
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    with app.app_context():
        load_demo(date(2026, 11, 22))
        pmo = _db.session.query(User).filter_by(email="pmo@example.com").one()
        _token, secret = create_token(pmo, "schemathesis")
        _db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", secret
    server.shutdown()
    dispose(app)


def test_the_api_keeps_its_openapi_promises(served_api, tmp_path):
    url, secret = served_api
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{url}/api/v1/openapi.json",
        "--phases=examples,coverage",
        f"--checks={','.join(CHECKS)}",
        "--header",
        f"Authorization: Bearer {secret}",
        "--workers=1",
        "--seed=2026",
        "--no-color",
        "--report-dir",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
    assert "✅ Examples" in output and "✅ Coverage" in output
    with urllib.request.urlopen(f"{url}/api/v1/openapi.json") as response:
        operations = sum(len(item) for item in json.load(response)["paths"].values())
    assert re.search(r"Tested: (\d+)", output).group(1) == str(operations)
