"""The PMO's words in a sponsor report: three to five key messages and a short
commentary per section, written before publishing and kept with the published report.

The previous published sponsor report's text is offered as a start. A draft carries no
commentary: its PDF leaves the space out, and the report page tells the PMO there is
none yet (sponsors never see that line).
"""

from dataclasses import dataclass, field

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError

from transform.extensions import db
from transform.models import Report, ReportKind

MESSAGES_MIN, MESSAGES_MAX = 3, 5
MESSAGE_LENGTH = 200
COMMENTARY_LENGTH = 1200
#: (key, label, the report section the commentary opens).
COMMENTARY_SECTIONS = (
    ("delivery", "Delivery", "phases"),
    ("adoption", "Adoption", "adoption"),
    ("value", "Value", "value"),
    ("risks", "Risks", "risks"),
)


@dataclass(frozen=True)
class Commentary:
    messages: list[str] = field(default_factory=list)
    #: Section key (COMMENTARY_SECTIONS) -> text; a section left blank is absent.
    sections: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"messages": list(self.messages), "sections": dict(self.sections)}

    @classmethod
    def from_json(cls, data: dict | None) -> "Commentary | None":
        if not data:
            return None
        return cls(list(data.get("messages", [])), dict(data.get("sections", {})))

    def for_section(self, anchor: str) -> str:
        """The commentary that opens the report section with this anchor, or ""."""
        for key, _label, section in COMMENTARY_SECTIONS:
            if section == anchor:
                return self.sections.get(key, "")
        return ""


def latest_commentary(programme_id: int) -> Commentary | None:
    """The commentary of the latest published sponsor report: the start of the next one."""
    data = db.session.scalars(
        select(Report.commentary)
        .where(
            Report.programme_id == programme_id,
            Report.kind == ReportKind.SPONSOR_PROGRESS,
            Report.is_published.is_(True),
            Report.commentary.is_not(None),
        )
        .order_by(Report.published_at.desc(), Report.id.desc())
        .limit(1)
    ).first()
    return Commentary.from_json(data)


class CommentaryForm(FlaskForm):
    """Key messages one per line, and one commentary per section."""

    messages = TextAreaField(
        "Key messages",
        description=f"{MESSAGES_MIN} to {MESSAGES_MAX} messages, one per line, each up to "
        f"{MESSAGE_LENGTH} characters. Lead with what the sponsor must know.",
    )
    delivery = TextAreaField("Delivery", validators=[Length(max=COMMENTARY_LENGTH)])
    adoption = TextAreaField("Adoption", validators=[Length(max=COMMENTARY_LENGTH)])
    value = TextAreaField("Value", validators=[Length(max=COMMENTARY_LENGTH)])
    risks = TextAreaField("Risks", validators=[Length(max=COMMENTARY_LENGTH)])

    def prefill(self, commentary: Commentary | None) -> None:
        """Offer a previous report's text as the start (only when nothing was posted)."""
        if commentary is None or self.is_submitted():
            return
        self.messages.data = "\n".join(commentary.messages)
        for key, _label, _section in COMMENTARY_SECTIONS:
            getattr(self, key).data = commentary.sections.get(key, "")

    def validate_messages(self, field) -> None:
        lines = _lines(field.data)
        if len(lines) < MESSAGES_MIN:
            raise ValidationError(
                f"Write at least {MESSAGES_MIN} key messages, one per line ({len(lines)} given)."
            )
        if len(lines) > MESSAGES_MAX:
            raise ValidationError(
                f"Keep to {MESSAGES_MAX} key messages at most ({len(lines)} given)."
            )
        for number, line in enumerate(lines, start=1):
            if len(line) > MESSAGE_LENGTH:
                raise ValidationError(
                    f"Message {number} has {len(line)} characters; keep each to {MESSAGE_LENGTH}."
                )

    def commentary(self) -> Commentary:
        sections = {
            key: text
            for key, _label, _section in COMMENTARY_SECTIONS
            if (text := (getattr(self, key).data or "").strip())
        }
        return Commentary(_lines(self.messages.data), sections)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
