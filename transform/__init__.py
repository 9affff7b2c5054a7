"""transform: change-management and transformation tracking."""

from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from transform.config import PROJECT_ROOT, Config, ConfigError, DevelopmentConfig, TestConfig
from transform.heap import freeze_startup_objects

__all__ = ["create_app", "Config", "ConfigError", "DevelopmentConfig", "TestConfig"]


def create_app(config: type[Config] | Mapping | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, errors, CLI."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    register_config(app, config)
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_request_transaction(app)
    register_errors(app)
    register_templating(app)
    register_cli(app)
    freeze_startup_objects()
    return app


def register_config(app: Flask, config: type[Config] | Mapping | None) -> None:
    instance = Path(app.instance_path)
    if config is None or isinstance(config, Mapping):
        app.config.update(Config.load(instance))
        app.config.update(config or {})
    else:
        app.config.update(config.load(instance))
    from transform.database import engine_options

    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )


def register_extensions(app: Flask) -> None:
    from transform import models  # noqa: F401  (registers every table on the metadata)
    from transform.database import configure_engine
    from transform.extensions import csrf, db, htmx, limiter, login, migrate

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    # Templates get current_user as a proxy (transform.templating), loaded only by a page
    # that reads it, instead of flask-login's context processor loading it for every page.
    login.init_app(app, add_context_processor=False)
    limiter.init_app(app)
    from transform.indices.cache import init_dashboard_cache
    from transform.job_queue import init_job_queue
    from transform.mail import init_mail
    from transform.redis_store import init_redis
    from transform.survey_cache import init_survey_cache
    from transform.webhooks_out import init_webhooks

    init_mail(app)

    init_redis(app)
    init_job_queue()
    init_webhooks()
    init_survey_cache()

    init_dashboard_cache(app)


def register_security(app: Flask) -> None:
    from transform.auth.sessions import init_sessions
    from transform.edge import init_edge
    from transform.htmx import init_htmx_headers
    from transform.input_guard import init_input_guard
    from transform.security_headers import init_security_headers
    from transform.waves.tokens import install_log_redaction

    init_edge(app)
    init_sessions(app)
    init_htmx_headers(app)
    init_security_headers(app)
    init_input_guard(app)
    # Survey tokens are capabilities: keep them out of request logs and error logs.
    install_log_redaction("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name)


def register_request_transaction(app: Flask) -> None:
    from transform.request_transaction import init_request_transaction

    init_request_transaction(app)


def register_blueprints(app: Flask) -> None:
    from transform.admin.views import bp as admin_bp
    from transform.adoption.views import bp as adoption_bp
    from transform.agents.views import bp as agents_bp
    from transform.api.blueprint import bp as api_bp
    from transform.api.token_views import bp as tokens_bp
    from transform.audit_views import bp as audit_bp
    from transform.auth.views import bp as auth_bp
    from transform.benefits.views import bp as benefits_bp
    from transform.feedback.follow_up_views import bp as followups_bp
    from transform.feedback.views import bp as feedback_bp
    from transform.health import bp as health_bp
    from transform.instruments.views import bp as instruments_bp
    from transform.invitations.views import bp as invitations_bp
    from transform.kpis.import_views import bp as kpi_imports_bp
    from transform.kpis.views import bp as kpis_bp
    from transform.load.views import bp as load_bp
    from transform.memberships.views import bp as memberships_bp
    from transform.methodologies.views import bp as methodologies_bp
    from transform.phases.activity_views import bp as activities_bp
    from transform.phases.gate_views import bp as gates_bp
    from transform.phases.views import bp as phases_bp
    from transform.programmes.views import bp as programmes_bp
    from transform.raid.views import bp as raid_bp
    from transform.reports.portfolio_views import bp as portfolio_bp
    from transform.reports.views import bp as reports_bp
    from transform.teams.impact_views import bp as impact_bp
    from transform.teams.views import bp as teams_bp
    from transform.wave_data.views import bp as wave_data_bp
    from transform.waves.respond_views import bp as respond_bp
    from transform.waves.views import bp as waves_bp
    from transform.webhooks.views import bp as webhooks_bp

    for blueprint in (
        health_bp,
        adoption_bp,
        auth_bp,
        programmes_bp,
        admin_bp,
        memberships_bp,
        phases_bp,
        activities_bp,
        gates_bp,
        raid_bp,
        methodologies_bp,
        instruments_bp,
        teams_bp,
        impact_bp,
        agents_bp,
        load_bp,
        feedback_bp,
        followups_bp,
        waves_bp,
        respond_bp,
        invitations_bp,
        wave_data_bp,
        kpis_bp,
        kpi_imports_bp,
        benefits_bp,
        reports_bp,
        portfolio_bp,
        api_bp,
        tokens_bp,
        audit_bp,
        webhooks_bp,
    ):
        app.register_blueprint(blueprint)
    app.add_url_rule("/", endpoint="index", view_func=_index)


def _index():
    from flask import redirect, url_for

    return redirect(url_for("programmes.index"))


def register_errors(app: Flask) -> None:
    from transform.errors import init_errors

    init_errors(app)


def register_templating(app: Flask) -> None:
    from transform.templating import init_templating

    init_templating(app)


def register_cli(app: Flask) -> None:
    from transform.cli import init_cli

    init_cli(app)
