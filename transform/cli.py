"""flask commands: built-in content, demo data, users."""

import time

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from transform import clock
from transform.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Load the demo programmes.")
report_cli = AppGroup("report", help="Render PDF reports.")


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
    summary = load_demo(today.date() if today else clock.today())
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
    from transform.auth.service import create_user, find_user_by_email
    from transform.passwords import new_password_problem

    if "@" not in email:
        raise click.BadParameter("must be an email address", param_hint="--email")
    problem = new_password_problem(password, email, name)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    if find_user_by_email(email) is not None:
        raise click.ClickException(f"A user with the email {email} already exists.")
    user = create_user(email, name, password, is_site_admin=site_admin)
    db.session.commit()
    click.echo(f"Created {user.email}{' (site administrator)' if site_admin else ''}.")


@report_cli.command("render")
@click.argument("kind")
@click.option("--programme", "programme_id", type=int, required=True, help="Programme id.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--team", "team_id", type=int, default=None, help="Team id (team adoption).")
@click.option("--wave", "wave_id", type=int, default=None, help="Wave id (survey wave).")
def report_render(kind: str, programme_id: int, as_of, out: str, team_id, wave_id):
    """Render a report KIND (e.g. sponsor-progress) as of a date to a PDF file."""
    import time

    from sqlalchemy import select

    from transform.models import ImpactedTeam, Programme, Wave
    from transform.reports import store
    from transform.reports.registry import REPORTS, spec_for_slug

    spec = spec_for_slug(kind)
    if spec is None:
        kinds = ", ".join(s.slug for s in REPORTS.values())
        raise click.BadParameter(f"unknown report kind; one of: {kinds}", param_hint="KIND")
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise click.BadParameter("no programme with this id", param_hint="--programme")
    if as_of.date() < programme.starts_on:
        raise click.BadParameter(
            f"before the programme starts ({programme.starts_on})", param_hint="--as-of"
        )
    if spec.needs_team != (team_id is not None):
        need = "needs" if spec.needs_team else "takes no"
        raise click.BadParameter(f"{spec.slug} {need} --team", param_hint="--team")
    if spec.needs_wave != (wave_id is not None):
        need = "needs" if spec.needs_wave else "takes no"
        raise click.BadParameter(f"{spec.slug} {need} --wave", param_hint="--wave")
    impacted = select(ImpactedTeam.id).where(
        ImpactedTeam.programme_id == programme.id, ImpactedTeam.team_id == team_id
    )
    if team_id is not None and db.session.scalar(impacted) is None:
        raise click.BadParameter("not a team this programme impacts", param_hint="--team")
    wave = db.session.get(Wave, wave_id) if wave_id is not None else None
    if wave_id is not None and (wave is None or wave.programme_id != programme.id):
        raise click.BadParameter("not a survey wave of this programme", param_hint="--wave")
    started = time.perf_counter()
    report = store.report_pdf(spec.kind, programme, as_of.date(), team_id, wave_id)
    db.session.commit()
    with open(out, "wb") as file:
        file.write(report.pdf)
    seconds = time.perf_counter() - started
    click.echo(f"Wrote {out}: {report.page_count} pages in {seconds:.2f} s.")


@click.command("export")
@click.option("--programme", "programme_id", type=int, required=True, help="Programme id.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
def export_command(programme_id: int, out: str):
    """Write a programme and everything it refers to into a versioned .zip archive."""
    from pathlib import Path

    from transform.backup.export import export_programme

    try:
        summary = export_programme(programme_id, Path(out))
    except (LookupError, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from error
    rows = sum(summary.counts.values())
    click.echo(f"Exported programme {programme_id}: {rows} rows, {summary.files} files to {out}.")
    click.echo("The archive holds users' password hashes: keep it as safe as the database.")


@click.command("import")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_command(archive: str):
    """Restore a programme archive into an empty database (ids kept, one transaction)."""
    from pathlib import Path

    from transform.backup import ArchiveRefused
    from transform.backup.restore import restore_archive

    try:
        summary = restore_archive(Path(archive))
    except ArchiveRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    rows = sum(summary.counts.values())
    click.echo(f"Restored programme {summary.programme_id}: {rows} rows, {summary.files} files.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run a job worker: report renders and large imports from the Redis queue (needs
    REDIS_URL)."""
    from rq import Worker

    from transform.job_queue import job_queue

    queue = job_queue()
    if queue is None:
        raise click.ClickException(
            "REDIS_URL is not set: without Redis, reports render and imports run in the "
            "web process and no worker is needed."
        )
    # Each job runs in a forked process that opens database connections of its own.
    db.engine.dispose()
    # The scheduler runs retries that wait (webhook deliveries back off between attempts).
    Worker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)


@click.command("survey-mail")
@with_appcontext
def survey_mail_command() -> None:
    """Run the survey mail that is due: delete the addresses of closed waves, queue the
    scheduled reminders of today, and send what waits (run it daily, e.g. from cron)."""
    from sqlalchemy import select

    from transform import clock
    from transform.invitations import delivery, service
    from transform.models import MailState, RosterEntry

    closed = service.close_finished_rosters(clock.today())
    reminded = service.due_reminders(clock.today())
    db.session.commit()
    waiting = db.session.scalars(
        select(RosterEntry.wave_id)
        .where((RosterEntry.state == MailState.QUEUED) | RosterEntry.is_reminder_queued)
        .distinct()
    ).all()
    for wave_id in sorted(set(waiting)):
        outcome = delivery.run(wave_id)
        click.echo(f"Wave {wave_id}: {outcome}.")
    click.echo(
        f"Deleted the addresses of {closed} closed wave(s); queued reminders for "
        f"{len(reminded)} wave(s)."
    )


dashboards_cli = AppGroup("dashboards", help="Scored dashboards in the shared cache.")


@dashboards_cli.command("warm")
@with_appcontext
def warm_dashboards_command() -> None:
    """Score every active programme's ADKAR waves for today into the shared cache (needs
    REDIS_URL): run it after each deployment and daily just after midnight."""
    from transform.indices.warm import warm_dashboards
    from transform.redis_store import redis_client

    if redis_client() is None:
        raise click.ClickException(
            "REDIS_URL is not set: each web process keeps its own dashboards, which "
            "this command cannot fill. Nothing to warm."
        )
    started = time.perf_counter()
    warmed = warm_dashboards(clock.today())
    for entry in warmed:
        click.echo(f"{entry.programme} / {entry.wave}: {entry.seconds:.2f} s")
    click.echo(f"Warmed {len(warmed)} dashboard(s) in {time.perf_counter() - started:.1f} s.")


def init_cli(app: Flask) -> None:
    app.cli.add_command(dashboards_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(survey_mail_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
