from tests import factories


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_not_found_page_uses_the_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Not found" in response.data
    assert b'class="topbar"' in response.data


def test_an_unexpected_error_shows_a_page_without_a_stack_trace(app, client, monkeypatch, db):
    factories.user("pat@example.com")
    client.post("/auth/login", data={"email": "pat@example.com", "password": factories.PASSWORD})

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("transform.programmes.views.programmes_of_current_user", explode)
    response = client.get("/programmes/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data
    assert b"secret internals" not in response.data
    assert b"Traceback" not in response.data


def test_htmx_requests_get_the_fragment_and_vary_on_the_header(client):
    page = client.get("/no-such-page")
    fragment = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert b"<html" in page.data
    assert b"<html" not in fragment.data
    assert b"Not found" in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]
