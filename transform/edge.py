"""What the app answers at its edge, where it meets proxies and browsers of other sites.

- Behind PROXY_COUNT reverse proxies, Werkzeug's ProxyFix takes the client's scheme,
  host, port, prefix and address from their X-Forwarded-* headers, so `next` links and
  redirects name the address people use. With 0 (the default) those headers are ignored:
  trusting them without a proxy would let any client choose the links the app writes.
- Retry-After goes out on 429 answers only: Flask-Limiter adds it to every limited
  response, where it reads as "come back later" to clients that honour it.
- CORS stays closed unless CORS_ORIGINS lists origins; then the API (only) answers those
  origins' preflights and names them in Access-Control-Allow-Origin.
"""

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

API_PREFIX = "/api/"
CORS_METHODS = "GET, POST, PUT, PATCH, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type, If-None-Match"
CORS_EXPOSED = "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
CORS_MAX_AGE_S = 600


class RetryAfterOnlyOn429:
    """WSGI middleware dropping Retry-After from every answer that is not a 429."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if not status.startswith("429"):
                headers = [
                    (name, value) for name, value in headers if name.lower() != "retry-after"
                ]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def init_edge(app: Flask) -> None:
    app.wsgi_app = RetryAfterOnlyOn429(app.wsgi_app)
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            x_host=proxies,
            x_port=proxies,
            x_prefix=proxies,
        )
    origins = frozenset(app.config.get("CORS_ORIGINS", ()))
    if not origins:
        return

    def allowed_origin() -> str | None:
        origin = request.headers.get("Origin")
        return origin if request.path.startswith(API_PREFIX) and origin in origins else None

    @app.before_request
    def preflight():
        if request.method == "OPTIONS" and allowed_origin():
            response = Response(status=204)
            response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
            response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
            response.headers["Access-Control-Max-Age"] = str(CORS_MAX_AGE_S)
            return response
        return None

    @app.after_request
    def allow_origin(response: Response) -> Response:
        if request.path.startswith(API_PREFIX):
            response.vary.add("Origin")
        origin = allowed_origin()
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED
        return response
