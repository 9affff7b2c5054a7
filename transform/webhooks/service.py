"""Registering and removing webhooks; each change is audited, the request commits."""

from transform.audit import record_change
from transform.extensions import db
from transform.models import Programme, Webhook, WebhookEvent


def register(programme: Programme, url: str, secret: str, events: list[str]) -> Webhook:
    """A webhook for the programme's events; its secret is never shown again."""
    chosen = [event.value for event in WebhookEvent if event.value in events]
    hook = Webhook(programme_id=programme.id, url=url, secret=secret, events=" ".join(chosen))
    db.session.add(hook)
    db.session.flush()
    record_change("webhook.created", hook, programme.id, after={"url": url, "events": chosen})
    return hook


def remove(hook: Webhook) -> None:
    before = {"url": hook.url, "events": hook.events.split()}
    record_change("webhook.deleted", hook, hook.programme_id, before=before)
    db.session.delete(hook)
    db.session.flush()
