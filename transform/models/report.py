"""Generated PDF reports: drafts cached by data fingerprint, and published snapshots."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow


class ReportKind(enum.StrEnum):
    SPONSOR_PROGRESS = "sponsor_progress"
    OPERATIONAL_ASSESSMENT = "operational_assessment"
    TEAM_ADOPTION = "team_adoption"
    SURVEY_WAVE = "survey_wave"


class Report(Base):
    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind, "report_kind"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    as_of: Mapped[date]
    #: SHA-256 over the report's input data; an unchanged fingerprint reuses the PDF.
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    #: SHA-256 over cheap aggregates of the programme's data (transform.reports.store);
    #: a draft with the current stamp is served without building the report again.
    data_stamp: Mapped[str | None] = mapped_column(String(64), index=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    page_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: Published reports are kept unchanged for the programme's report history.
    is_published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    #: The PMO's key messages and section commentary, written before publishing
    #: (transform.reports.commentary); None on drafts and on reports of other kinds.
    commentary: Mapped[dict | None] = mapped_column(JSON)
    #: The sponsor report's headline figures (transform.reports.headline), kept so the
    #: next report compares with what this one said, not with live data.
    headline: Mapped[dict | None] = mapped_column(JSON)

    created_by: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (
        CheckConstraint("page_count > 0", name="has_pages"),
        CheckConstraint(
            "kind <> 'team_adoption' OR team_id IS NOT NULL", name="team_report_names_team"
        ),
        CheckConstraint(
            "kind <> 'survey_wave' OR wave_id IS NOT NULL", name="wave_report_names_wave"
        ),
    )

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.kind} {self.as_of}>"
