"""The one place that knows htmx: page-or-fragment rendering and HX headers."""

from flask import Flask, Response, make_response, render_template, request, url_for


def is_htmx_request() -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page_or_fragment(page: str, fragment: str, **context) -> str:
    """Render the whole page, or for an htmx request only its `_`-prefixed partial."""
    return render_template(fragment if is_htmx_request() else page, **context)


def redirect_after_post(endpoint: str, **values) -> Response:
    """303 to the endpoint; htmx gets HX-Redirect so it navigates the whole page."""
    location = url_for(endpoint, **values)
    if is_htmx_request():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    response = make_response("", 303)
    response.headers["Location"] = location
    return response


def init_htmx_headers(app: Flask) -> None:
    @app.after_request
    def vary_on_hx_request(response: Response) -> Response:
        # Pages and fragments share URLs, so caches must key on the header.
        response.vary.add("HX-Request")
        return response
