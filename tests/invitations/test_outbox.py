"""Without MAIL_SERVER, messages go to the outbox folder, which site administrators read."""

from tests import factories
from tests.invitations.test_sending import _message
from transform.mail import init_mail


def test_the_outbox_shows_exactly_what_would_be_sent(
    app, client, auth, signed_in, tmp_path, mail_settings, monkeypatch
):
    world = signed_in
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    app.config["MAIL_BACKEND"] = "transform.mail.OutboxEmailBackend"
    init_mail(app)
    base = f"/programmes/{world['programme'].id}/waves/{world['wave'].id}/invitations"
    client.post(f"{base}/roster", data={"pasted": "email,team\nana@example.org,Billing\n"})
    client.post(f"{base}/message", data=_message())
    client.post(f"{base}/send")
    assert len(list(tmp_path.glob("*.eml"))) == 1

    assert client.get("/admin/outbox").status_code == 404  # the PMO is no site admin
    factories.user("root@example.com", name="Site Admin", is_site_admin=True)
    auth.logout()
    auth.login("root@example.com")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Test programme: Pulse 1" in page and "to ana@example.org" in page
    assert "http://localhost/s/" in page
