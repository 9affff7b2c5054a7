"""Error pages in the layout's style; no stack trace reaches a browser."""

from flask import Flask, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from transform.api.problems import ApiProblem, problem_response
from transform.extensions import db
from transform.waves.tokens import redact

API_PREFIX = "/api/"
MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role in this programme does not allow that."),
    404: ("Not found", "There is nothing here, or you do not have access to it."),
    405: ("Not allowed", "That page cannot be used this way."),
    409: (
        "Changed since you opened it",
        "Someone else saved a change to this record after you opened it. "
        "Reload the page to see their change, then make yours again.",
    ),
    413: ("File too large", "The file is larger than the upload limit."),
    422: ("Check your input", "Some of what was sent is not valid."),
    429: ("Too many requests", "Please wait a moment and try again."),
    500: ("Something went wrong", "The error has been logged. Please try again later."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, ("Error", "The request failed."))
    if request.path.startswith(API_PREFIX):
        return problem_response(code, detail or message)
    template = "errors/_error.html" if request.headers.get("HX-Request") else "errors/error.html"
    return render_template(template, code=code, title=title, message=detail or message), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(ApiProblem)
    def api_problem(error: ApiProblem):
        return error.response()

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "The form expired or was not sent from this site. Reload it.")

    @app.errorhandler(IntegrityError)
    def conflicting_write(error):
        # Forms check uniqueness first; this is the race where two saves collide.
        db.session.rollback()
        return render_error(
            409,
            "Someone saved the same thing at the same moment. "
            "Reload the page to see it, then try again if needed.",
        )

    @app.errorhandler(StaleDataError)
    def stale_edit(error):
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Our own abort(code, description=...) carries a message meant for the user.
        custom = error.description if error.description != type(error).description else None
        response = render_error(error.code or 500, custom)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response = make_response(response)
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, redact(request.path))
        return render_error(InternalServerError.code)
