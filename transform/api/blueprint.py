"""The /api/v1 blueprint: bearer-token authentication, rate limits, problem details, and
the OpenAPI document with its reference page. Endpoint modules register on `api`."""

import hashlib

from flask import Blueprint, current_app, g, jsonify, render_template, request, session, url_for

from transform.api.problems import ApiProblem
from transform.api.spec import Registry, openapi_document
from transform.api.tokens import active_token, note_use
from transform.extensions import csrf, db, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
api = Registry(bp)
PUBLIC_ENDPOINTS = {"api.openapi", "api.reference"}

# A token is its own credential: no cookie, so no CSRF token either.
csrf.exempt(bp)


def rate_limit_key() -> str:
    """Each token has its own budget; requests without one share their address's."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:24]
    return "address:" + (request.remote_addr or "unknown")


def _api_rate() -> str:
    return current_app.config["API_RATE_LIMIT"]


limiter.limit(_api_rate, key_func=rate_limit_key)(bp)


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = active_token(secret.strip()) if scheme.lower() == "bearer" and secret else None
    if token is None:
        problem = ApiProblem(401, "Send a valid API token: Authorization: Bearer <token>.")
        response = problem.response()
        response.headers["WWW-Authenticate"] = 'Bearer realm="transform"'
        return response
    # Flask-Login's current user for this request only: nothing goes into a session.
    g._login_user = token.user
    g.api_token = token
    if note_use(token):
        # When a token was last used must stick even when the call it made is refused.
        db.session.commit()


@bp.after_request
def no_session_cookie(response):
    """API responses never set or refresh a session cookie."""
    session.modified = False
    return response


def via() -> str:
    """What the audit trail records as the source of an API write."""
    return f"api:{g.api_token.name}"


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(api, url_for("api.openapi").rsplit("/", 1)[0]))


@bp.get("/")
def reference():
    document = openapi_document(api, url_for("api.openapi").rsplit("/", 1)[0])
    return render_template("api/reference.html", document=document, operations=api.operations)


# Registering the endpoints: each module adds its operations to `api`.
from transform.api import (  # noqa: E402, F401
    benefits,
    feedback,
    follow_ups,
    indices,
    kpi_definitions,
    kpis,
    programmes,
    raid,
    raw_responses,
    surveys,
    teams,
)
