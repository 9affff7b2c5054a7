"""Who belongs to a programme: the one read the features that assign owners share."""

from sqlalchemy import select

from transform.extensions import db
from transform.models import Membership, Programme, User


def programme_members(programme: Programme | int) -> list[User]:
    """The programme's members, who may own its phases, activities, KPIs and RAID items,
    by name."""
    programme_id = programme if isinstance(programme, int) else programme.id
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.programme_id == programme_id)
            .order_by(User.name, User.id)
        )
    )
