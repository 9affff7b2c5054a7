"""One transaction per request: the request commits once, at its end, or rolls back.

Views and services change the session and flush; nothing in a view commits. When the
view has answered, a response below 400 commits what it did and any other response
rolls it back, so a refused form, a 409 or an error page never half-saves. The few
writes that must stick whatever the answer (a failed login's count, an API token's last
use) commit themselves and say why.
"""

from flask import Flask, Response

from transform.extensions import db


def init_request_transaction(app: Flask) -> None:
    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def roll_back_on_error(error: BaseException | None) -> None:
        # An exception skipped after_request: nothing of the request may stay.
        if error is not None:
            db.session.rollback()


def keep_nothing() -> None:
    """Roll the request back now: for a refusal answered with a redirect, whose status
    alone would commit what the request did before it was refused."""
    db.session.rollback()
