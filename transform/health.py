"""/healthz: the app is up, its database answers, and so does Redis when configured.

Redis down is reported but is not a 503: pages that need no Redis keep working, and a
load balancer that took every web server out for it would take them all out at once.
"""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from transform.extensions import db
from transform.redis_store import redis_answers, redis_client

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    checks = {"database": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        checks["database"] = "unreachable"
    client = redis_client()
    if client is not None:
        checks["redis"] = "ok" if redis_answers(client) else "unreachable"
    if checks["database"] != "ok":
        return jsonify(status="error", **checks), 503
    status = "ok" if checks.get("redis", "ok") == "ok" else "degraded"
    return jsonify(status=status, **checks)
