"""A programme's members and their roles: who may see it and what they may do there.

Site administrators manage any programme's members from the Administration area; a
programme's PMO admins manage its own on its People tab. Both go through this package.
"""

from sqlalchemy import delete, func, select

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import AgentAssignment, Membership, Programme, Role, User


class MembershipError(ValueError):
    """A membership change that would leave the programme unsound."""


def people_for_choice() -> list[User]:
    """Everyone who may be made a member, by name."""
    return list(db.session.scalars(select(User).order_by(User.name, User.id)))


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
