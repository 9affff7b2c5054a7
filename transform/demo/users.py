"""The demo's people: the four documented logins and the colleagues who fill the programmes."""

from dataclasses import dataclass

from transform.auth.service import create_user
from transform.extensions import db
from transform.models import Membership, Programme, Role, User

DEMO_PASSWORD = "demo-password"

#: The logins `make run` prints, with what each one is for.
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("admin@example.com", "Site administrator, member of no programme"),
    ("pmo@example.com", "PMO admin of both programmes"),
    ("agent@example.com", "Change agent, Back-office optimisation"),
    ("sponsor@example.com", "Sponsor, Back-office optimisation"),
    ("finance@example.com", "Finance approver of both programmes (signs off benefits)"),
)


@dataclass(frozen=True)
class PersonSpec:
    key: str
    email: str
    name: str
    is_site_admin: bool = False


PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("admin", "admin@example.com", "Site Administrator", is_site_admin=True),
    PersonSpec("pmo", "pmo@example.com", "Dana Whitfield"),
    PersonSpec("agent", "agent@example.com", "Alex Morgan"),
    PersonSpec("sponsor", "sponsor@example.com", "Eleanor Finch"),
    PersonSpec("analyst", "chris.novak@example.com", "Chris Novak"),
    PersonSpec("agent_litigation", "sam.okafor@example.com", "Sam Okafor"),
    PersonSpec("agent_finance", "jordan.lee@example.com", "Jordan Lee"),
    PersonSpec("sponsor_support", "rafael.costa@example.com", "Rafael Costa"),
    PersonSpec("vendor_lead", "oliver.grant@example.com", "Oliver Grant"),
    PersonSpec("agent_frontline", "mei.chen@example.com", "Mei Chen"),
    PersonSpec("agent_quality", "hannah.brooks@example.com", "Hannah Brooks"),
    PersonSpec("finance", "finance@example.com", "Priya Shah"),
)


def create_people() -> dict[str, User]:
    """Create every demo user with the demo password, keyed by their role in the story."""
    return {
        spec.key: create_user(
            spec.email, spec.name, DEMO_PASSWORD, is_site_admin=spec.is_site_admin
        )
        for spec in PEOPLE
    }


def add_members(programme: Programme, roles: dict[User, Role]) -> None:
    """Give each user a role in the programme (the creator is already its admin)."""
    for user, role in roles.items():
        programme.memberships.append(Membership(user=user, role=role))
    db.session.flush()
