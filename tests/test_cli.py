from sqlalchemy import func, select

from transform.auth.service import find_user_by_email
from transform.extensions import db
from transform.models import Instrument, MethodologyTemplate
from transform.passwords import verify_password


def test_users_create_makes_an_account_that_can_log_in(app, client):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "Lead@Example.com",
            "--name",
            "PMO Lead",
            "--password",
            "a-good-long-password",
            "--site-admin",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created lead@example.com (site administrator)." in result.output
    user = find_user_by_email("lead@example.com")
    assert user.is_site_admin
    assert verify_password(user.password_hash, "a-good-long-password")


def test_users_create_refuses_a_short_password_and_a_duplicate(app):
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["users", "create", "--email", "a@example.com", "--name", "A", "--password", "short"]
    )
    assert short.exit_code != 0
    assert "Use at least 12 characters." in short.output
    args = [
        "users",
        "create",
        "--email",
        "b@example.com",
        "--name",
        "B",
        "--password",
        "long-enough-pw",
    ]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_seed_installs_the_builtins_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert runner.invoke(args=["seed"]).exit_code == 0
    templates = db.session.scalar(select(func.count()).select_from(MethodologyTemplate))
    instruments = db.session.scalar(select(func.count()).select_from(Instrument))
    assert templates == 2
    assert instruments == 2
