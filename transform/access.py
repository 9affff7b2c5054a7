"""Who may see and change a programme: the one loader every blueprint uses."""

from dataclasses import dataclass

from flask import Blueprint, abort, g
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform.extensions import db
from transform.models import Membership, Programme, Role


@dataclass(frozen=True)
class ProgrammeAccess:
    programme: Programme
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_sponsor(self) -> bool:
        return self.role == Role.SPONSOR

    @property
    def is_change_agent(self) -> bool:
        return self.role == Role.CHANGE_AGENT


def programme_access_or_404(
    programme_id: int, *roles: Role, for_write: bool = False
) -> ProgrammeAccess:
    """The programme and the user's role in it; 404 outside their programmes.

    A programme the user may see but not act on with the given roles is 403: its
    existence is no secret to a member. Non-members get 404 so existence does not leak.
    With for_write, an archived programme is 403 too: archived programmes are read-only.
    """
    row = _membership(programme_id)
    if row is None:
        abort(404)
    programme, role = row
    if roles and role not in roles:
        abort(403)
    if for_write and programme.is_archived:
        abort(403, description="This programme is archived and read-only.")
    return ProgrammeAccess(programme=programme, role=role)


def _membership(programme_id: int):
    """The programme and the user's role, looked up once per request (the API's
    decorator checks membership before validating, then the view asks again)."""
    memo = g.setdefault("memberships", {})
    key = (programme_id, current_user.id)
    if key not in memo:
        memo[key] = db.session.execute(
            select(Programme, Membership.role)
            .join(Membership, Membership.programme_id == Programme.id)
            .where(Programme.id == programme_id, Membership.user_id == current_user.id)
        ).first()
    return memo[key]


def programmes_of_current_user(include_archived: bool = False) -> list[tuple[Programme, Role]]:
    """The programmes the user is a member of, with their role, newest start first."""
    query = (
        select(Programme, Membership.role)
        .join(Membership, Membership.programme_id == Programme.id)
        .where(Membership.user_id == current_user.id)
        .options(selectinload(Programme.template))
        .order_by(Programme.starts_on.desc(), Programme.name)
    )
    if not include_archived:
        query = query.where(Programme.status != "archived")
    return [(programme, role) for programme, role in db.session.execute(query)]


def require_site_admin() -> None:
    if not current_user.is_authenticated or not current_user.is_site_admin:
        abort(404)


def may_edit_shared_content() -> bool:
    """Site administrators and the PMO admins of any programme edit what all programmes
    share: the org tree, team capacities, methodology templates and survey instruments."""
    if "may_edit_shared_content" not in g:
        g.may_edit_shared_content = current_user.is_authenticated and (
            current_user.is_site_admin
            or db.session.scalar(
                select(Membership.id)
                .where(Membership.user_id == current_user.id, Membership.role == Role.ADMIN)
                .limit(1)
            )
            is not None
        )
    return g.may_edit_shared_content


def login_blueprint(name: str, import_name: str, **options) -> Blueprint:
    """A blueprint whose every page needs a login (each view then checks access)."""
    blueprint = Blueprint(name, import_name, **options)

    @blueprint.before_request
    @login_required
    def require_login():
        """Every page of the blueprint needs a login."""

    return blueprint
