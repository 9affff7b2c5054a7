"""A NUL character in any form value, query value or file name is a clear 400."""

from tests import factories


def test_a_nul_in_a_form_value_is_refused_before_any_write(client, auth, db):
    factories.user("pat@example.com")
    auth.login("pat@example.com", factories.PASSWORD)
    response = client.post("/profile/tokens/", data={"name": "bad\x00name"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_a_nul_in_a_query_value_is_refused(client):
    assert client.get("/auth/login?next=%00").status_code == 400
