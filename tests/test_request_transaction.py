"""One commit per request: what a request did stays only if it answered below 400."""

import pytest
from flask import Response
from sqlalchemy import select

from transform.extensions import db
from transform.models import Team


@pytest.mark.parametrize(
    ("status", "kept"), [(200, True), (303, True), (409, False), (422, False)]
)
def test_the_request_commits_below_400_and_rolls_back_otherwise(app, status, kept):
    with app.test_request_context("/"):
        db.session.add(Team(name="Written by the request", headcount=3))
        db.session.flush()
        app.process_response(Response(status=status))
    db.session.rollback()  # drops whatever the request left uncommitted
    found = db.session.scalar(select(Team).where(Team.name == "Written by the request"))
    assert (found is not None) is kept


def test_views_do_not_commit():
    """Only the request commits; the few writes that must stick say why on the line."""
    from pathlib import Path

    import transform

    package = Path(transform.__file__).parent
    commits = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py")
        if path.name.endswith("views.py") or path.parent.name == "api"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "db.session.commit()" in line
        and "#" not in line
        and "must stick" not in path.read_text().splitlines()[number - 2]
    ]
    assert commits == []
