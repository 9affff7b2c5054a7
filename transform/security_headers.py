"""Security headers on every response: a strict Content-Security-Policy and its companions.

The policy allows scripts only from our own origin, so no inline `<script>`, no `on*=`
attribute and no `javascript:` URL can run, even if some user text slipped through
escaping. htmx 2 is vendored under static/ and runs with `allowEval: false` (the
htmx-config meta tag in base.html), so 'unsafe-eval' is not needed either.

The one allowance is `style-src 'unsafe-inline'`: the timeline and report charts are
inline SVG drawn by matplotlib, whose elements carry `style="..."` attributes and a
`<style>` block. Styles cannot run script, and with no inline script the worst an
injected style could do is restyle the page; rewriting every chart into classes would
cost far more than it buys. `frame-ancestors 'none'` and `X-Frame-Options: DENY` stop
such restyling from being used for clickjacking.

Strict-Transport-Security is sent only when the session cookie is Secure, i.e. when the
site is served over HTTPS; sending it from a plain-HTTP development server would pin
browsers to a scheme the server does not speak.
"""

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: One year; subdomains are left alone because we do not know the operator's domain.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        return response
