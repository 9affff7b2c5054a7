"""Errors as RFC 9457 problem details: a status, a title, a detail, and for invalid input
the path of every invalid value."""

from dataclasses import dataclass, field

from flask import Response, jsonify
from pydantic import ValidationError

PROBLEM_TYPE = "about:blank"
TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid data",
    429: "Too many requests",
    500: "Internal server error",
}


@dataclass
class ApiProblem(Exception):
    status: int
    detail: str
    #: One {"path": "items/0/value", "message": "..."} per invalid value.
    errors: list[dict] = field(default_factory=list)

    def response(self) -> Response:
        return problem_response(self.status, self.detail, self.errors)


def problem_response(status: int, detail: str, errors: list[dict] | None = None) -> Response:
    body = {
        "type": PROBLEM_TYPE,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def invalid(error: ValidationError, prefix: str = "") -> ApiProblem:
    """A 422 listing each invalid value by its path, e.g. "body/items/3/value"."""
    errors = [
        {
            "path": "/".join(str(part) for part in (prefix, *item["loc"]) if part != ""),
            "message": item["msg"],
        }
        for item in error.errors(include_url=False)
    ]
    return ApiProblem(422, "Some values are invalid; see errors.", errors)
