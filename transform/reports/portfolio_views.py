"""The portfolio page and its PDF: every programme the user may see, worst first.

Not a programme's report (it spans programmes), so it is rendered on request and not
kept in the report store; the PDF carries its as-of date and the page's figures.
"""

from flask import Response, render_template, request
from flask_login import current_user

from transform import clock
from transform.access import login_blueprint
from transform.reports.portfolio import portfolio
from transform.reports.render import render_pdf

bp = login_blueprint("portfolio", __name__, url_prefix="/portfolio")


@bp.get("/")
def index():
    return render_template(
        "portfolio/index.html", portfolio=portfolio(current_user, clock.today())
    )


@bp.get("/portfolio.pdf")
def pdf():
    today = clock.today()
    html = render_template(
        "portfolio/print.html",
        portfolio=portfolio(current_user, today),
        everyone=current_user.is_site_admin,
        viewer=current_user.name,
    )
    response = Response(render_pdf(html).pdf, mimetype="application/pdf")
    disposition = "attachment" if request.args.get("download") == "1" else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="portfolio-{today}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
