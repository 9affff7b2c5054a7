"""flask commands: built-in content, demo data, users."""

from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from transform.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Load the demo programmes.")


@click.command("seed")
@with_appcontext
def seed_command():
    """Install the built-in methodology templates and survey instruments (idempotent)."""
    from transform.seeds import ensure_builtins

    ensure_builtins()
    db.session.commit()
    click.echo("Built-in templates and instruments are installed.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date the demo is built around (default: today).",
)
def demo_load(if_empty: bool, today):
    """Load the two demo programmes and the demo logins."""
    from transform.demo import database_is_empty, load_demo

    if not database_is_empty():
        if if_empty:
            click.echo("The database already has data; the demo was not loaded.")
            return
        raise click.ClickException(
            "The database already has data; load the demo into an empty one."
        )
    summary = load_demo(today.date() if today else date.today())
    db.session.commit()
    click.echo(f"Loaded the demo: {', '.join(summary.programme_names)}.")


@demo_cli.command("logins")
def demo_logins():
    """Print the demo logins, when the demo users exist."""
    from transform.auth.service import find_user_by_email
    from transform.demo import DEMO_LOGINS, DEMO_PASSWORD

    present = [(email, role) for email, role in DEMO_LOGINS if find_user_by_email(email)]
    if not present:
        click.echo("No demo users in this database.")
        return
    click.echo("")
    click.echo("transform is starting on http://127.0.0.1:5000")
    click.echo(f"Demo logins (password for each: {DEMO_PASSWORD}):")
    for email, role in present:
        click.echo(f"  {email:<22} {role}")
    click.echo("")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--site-admin", is_flag=True, help="May create programmes and users.")
def users_create(email: str, name: str, password: str, site_admin: bool):
    """Create a user account."""
    from transform.auth.passwords import MIN_PASSWORD_LENGTH
    from transform.auth.service import create_user, find_user_by_email

    if "@" not in email:
        raise click.BadParameter("must be an email address", param_hint="--email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(
            f"must be at least {MIN_PASSWORD_LENGTH} characters", param_hint="--password"
        )
    if find_user_by_email(email) is not None:
        raise click.ClickException(f"A user with the email {email} already exists.")
    user = create_user(email, name, password, is_site_admin=site_admin)
    db.session.commit()
    click.echo(f"Created {user.email}{' (site administrator)' if site_admin else ''}.")


def init_cli(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
