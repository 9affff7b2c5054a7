"""Users and their membership of programmes, with a role each."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    CHANGE_AGENT = "change_agent"
    SPONSOR = "sponsor"
    #: Signs off realised benefits (stage L5) and confirms actual values.
    FINANCE = "finance"

    @property
    def label(self) -> str:
        return {
            "admin": "PMO admin",
            "change_agent": "Change agent",
            "sponsor": "Sponsor",
            "finance": "Finance approver",
        }[self.value]


class User(UserMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    #: False blocks login without deleting the person's history.
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Bumped at logout and password change; a session carrying an older value is dead.
    session_counter: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: Wrong passwords or codes since the last success, counted within LOGIN_LOCK_WINDOW.
    failed_logins: Mapped[int] = mapped_column(default=0)
    last_failed_login_at: Mapped[datetime | None]
    #: Login is refused, whatever the password, until this time (naive UTC).
    locked_until: Mapped[datetime | None]
    #: The TOTP secret, sealed (auth/sealed.py), once two-factor login is confirmed;
    #: None when it is off.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    #: The last time step whose code was accepted, so a code works only once.
    totp_last_step: Mapped[int | None]

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    def get_id(self) -> str:
        """Carry the session counter in the login cookie so a bump ends old sessions."""
        return f"{self.id}:{self.session_counter}"

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Membership(Base):
    """A user's one role in one programme; access to a programme is decided here."""

    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "membership_role"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    programme: Mapped["Programme"] = relationship(back_populates="memberships")  # noqa: F821

    __table_args__ = (UniqueConstraint("programme_id", "user_id"),)

    def __repr__(self) -> str:
        return f"<Membership user={self.user_id} programme={self.programme_id} {self.role}>"
