"""Site administration: people, programme creation and membership."""

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import (
    AgentAssignment,
    Membership,
    MethodologyTemplate,
    Programme,
    Role,
    User,
)


class MembershipError(ValueError):
    """A membership change that would leave the programme unsound."""


def all_users() -> list[User]:
    """Every user with their memberships and programmes loaded, for the people list."""
    return list(
        db.session.scalars(
            select(User)
            .options(selectinload(User.memberships).joinedload(Membership.programme))
            .order_by(User.name)
        )
    )


def all_programmes_with_member_counts() -> list[tuple[Programme, int]]:
    rows = db.session.execute(
        select(Programme, func.count(Membership.id))
        .outerjoin(Membership, Membership.programme_id == Programme.id)
        .group_by(Programme.id)
        .order_by(Programme.name)
    )
    return [(programme, count) for programme, count in rows]


def templates_for_choice() -> list[MethodologyTemplate]:
    return list(db.session.scalars(select(MethodologyTemplate).order_by(MethodologyTemplate.name)))


def members_of(programme: Programme) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.programme_id == programme.id)
            .order_by(Membership.role, User.name)
        )
    )


def set_membership(programme: Programme, user: User, role: Role) -> Membership:
    """Add the user to the programme, or change their role if already a member."""
    membership = db.session.scalar(
        select(Membership).where(
            Membership.programme_id == programme.id, Membership.user_id == user.id
        )
    )
    before = None
    if membership is None:
        membership = Membership(programme=programme, user=user, role=role)
        db.session.add(membership)
    else:
        _refuse_removing_last_admin(membership, new_role=role)
        before = snapshot(membership, "user_id", "role")
        if membership.role == Role.CHANGE_AGENT and role != Role.CHANGE_AGENT:
            _end_assignments(membership)
        membership.role = role
    db.session.flush()
    record_change(
        "membership.updated" if before else "membership.created",
        membership,
        programme.id,
        before,
        snapshot(membership, "user_id", "role"),
    )
    return membership


def remove_membership(membership: Membership) -> None:
    _refuse_removing_last_admin(membership, new_role=None)
    record_change(
        "membership.deleted",
        membership,
        membership.programme_id,
        snapshot(membership, "user_id", "role"),
        None,
    )
    _end_assignments(membership)
    db.session.delete(membership)
    db.session.flush()


def _refuse_removing_last_admin(membership: Membership, new_role: Role | None) -> None:
    if membership.role != Role.ADMIN or new_role == Role.ADMIN:
        return
    admins = db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.programme_id == membership.programme_id, Membership.role == Role.ADMIN
        )
    )
    if admins <= 1:
        raise MembershipError("A programme needs at least one PMO admin.")


def _end_assignments(membership: Membership) -> None:
    """A person who is no longer a change agent here covers no team here any more."""
    db.session.execute(
        delete(AgentAssignment).where(
            AgentAssignment.programme_id == membership.programme_id,
            AgentAssignment.user_id == membership.user_id,
        )
    )
