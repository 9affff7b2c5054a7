from flask import abort, flash, render_template

from transform.access import login_blueprint, programme_access_or_404
from transform.htmx import redirect_after_post
from transform.models import Role
from transform.webhooks import queries, service
from transform.webhooks.forms import WebhookForm
from transform.webhooks_out import BACKOFF_S, SIGNATURE_HEADER

bp = login_blueprint("webhooks", __name__, url_prefix="/programmes/<int:programme_id>/webhooks")


@bp.route("", methods=["GET", "POST"])
def index(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN)
    form = WebhookForm()
    if form.validate_on_submit():
        programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
        service.register(access.programme, form.url.data, form.secret.data, form.events.data)
        flash(f"Webhook added: {form.url.data}", "success")
        return redirect_after_post("webhooks.index", programme_id=programme_id)
    hooks = queries.webhooks(programme_id)
    page = render_template(
        "webhooks/index.html",
        access=access,
        form=form,
        hooks=[(hook, queries.recent_deliveries(hook)) for hook in hooks],
        signature_header=SIGNATURE_HEADER,
        retries=len(BACKOFF_S),
    )
    return page, 422 if form.errors else 200


@bp.post("/<int:webhook_id>/delete")
def delete(programme_id: int, webhook_id: int):
    programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    hook = queries.find_webhook(programme_id, webhook_id) or abort(404)
    service.remove(hook)
    flash(f"Webhook removed: {hook.url}", "success")
    return redirect_after_post("webhooks.index", programme_id=programme_id)
