"""Site administration: people and programme creation (memberships: transform.memberships)."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from transform.extensions import db
from transform.models import (
    Membership,
    MethodologyTemplate,
    Programme,
    User,
)


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
