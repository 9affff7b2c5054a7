"""The audit trail of a programme, for its PMO admins: who changed what, when, how."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import request
from flask_wtf import FlaskForm
from sqlalchemy import Select, select
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from transform.access import login_blueprint, programme_access_or_404
from transform.extensions import db
from transform.htmx import render_page_or_fragment
from transform.models import AuditEvent, Programme, Role, User

bp = login_blueprint("audit", __name__, url_prefix="/programmes/<int:programme_id>/audit")

PER_PAGE = 50


class AuditFilterForm(FlaskForm):
    """Filters read from the query string; an invalid filter is shown, not applied."""

    class Meta:
        csrf = False

    action = StringField("Action starts with", validators=[Optional(), Length(max=60)])
    entity = SelectField("Entity", default="", validators=[Optional()])
    user = SelectField("Changed by", coerce=int, default=0, validators=[Optional()])
    date_from = DateField("From (UTC)", validators=[Optional()])
    date_to = DateField("To (UTC)", validators=[Optional()])

    def __init__(self, entities: list[str], users: list[User], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity.choices = [SelectChoice("", "Any entity")] + [
            SelectChoice(name, name) for name in entities
        ]
        self.user.choices = [SelectChoice(0, "Anyone")] + [
            SelectChoice(user.id, user.name) for user in users
        ]


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    entity: str | None = None
    user_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


def audit_query(programme: Programme, filters: AuditFilters) -> Select:
    """The programme's events matching the filters, newest first."""
    query = select(AuditEvent).where(AuditEvent.programme_id == programme.id)
    if filters.action:
        escaped = filters.action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(AuditEvent.action.like(f"{escaped}%", escape="\\"))
    if filters.entity:
        query = query.where(AuditEvent.entity == filters.entity)
    if filters.user_id:
        query = query.where(AuditEvent.user_id == filters.user_id)
    if filters.date_from:
        query = query.where(AuditEvent.at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        next_day = filters.date_to + timedelta(days=1)
        query = query.where(AuditEvent.at < datetime.combine(next_day, time.min))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def filter_choices(programme: Programme) -> tuple[list[str], list[User]]:
    """The entities and the people that appear in the programme's trail."""
    entities = db.session.scalars(
        select(AuditEvent.entity)
        .where(AuditEvent.programme_id == programme.id)
        .distinct()
        .order_by(AuditEvent.entity)
    )
    users = db.session.scalars(
        select(User)
        .where(
            User.id.in_(select(AuditEvent.user_id).where(AuditEvent.programme_id == programme.id))
        )
        .order_by(User.name)
    )
    return list(entities), list(users)


def changes(event: AuditEvent) -> list[Change]:
    """The fields the event touched, each with its value before and after."""
    before, after = event.before or {}, event.after or {}
    fields = list(before) + [name for name in after if name not in before]
    return [
        Change(name, before.get(name), after.get(name))
        for name in fields
        if event.before is None or event.after is None or before.get(name) != after.get(name)
    ]


def audit_filters(programme: Programme) -> tuple[AuditFilterForm, AuditFilters]:
    form = AuditFilterForm(*filter_choices(programme), formdata=request.args)
    form.validate()

    def value(field):
        return None if field.errors else (field.data or None)

    filters = AuditFilters(
        action=(value(form.action) or "").strip() or None,
        entity=value(form.entity),
        user_id=value(form.user),
        date_from=value(form.date_from),
        date_to=value(form.date_to),
    )
    return form, filters


@bp.get("")
def index(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN)
    form, filters = audit_filters(access.programme)
    events = db.paginate(
        audit_query(access.programme, filters),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    query_args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_page_or_fragment(
        "audit/index.html",
        "audit/_results.html",
        access=access,
        programme=access.programme,
        filter_form=form,
        events=events,
        query_args=query_args,
        changes=changes,
    )
