"""Background jobs (report renders): what was asked, where it stands, what it made."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from transform.models.base import Base, enum_column, utcnow
from transform.models.report import ReportKind


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobError(Exception):
    """A job cannot move that way from where it stands."""


class Job(Base):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: NULL once the programme is deleted: the job then fails instead of rendering.
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="SET NULL"), index=True
    )
    report_kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind, "job_report_kind"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id", ondelete="SET NULL"))
    as_of: Mapped[date]
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    #: Why it failed, in words for the person who asked.
    error: Mapped[str | None] = mapped_column(Text)
    #: Runs started, including ones whose worker died mid-job and was replaced.
    attempts: Mapped[int] = mapped_column(default=0)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def start(self, now: datetime) -> None:
        if self.status == JobStatus.DONE:
            raise JobError("a finished job is not run again")
        self.status = JobStatus.RUNNING
        self.attempts += 1
        self.started_at = now
        self.error = None

    def finish(self, report_id: int, now: datetime) -> None:
        if self.status != JobStatus.RUNNING:
            raise JobError("only a running job finishes")
        self.status = JobStatus.DONE
        self.report_id = report_id
        self.finished_at = now

    def fail(self, reason: str, now: datetime) -> None:
        if self.status == JobStatus.DONE:
            raise JobError("a finished job does not fail")
        self.status = JobStatus.FAILED
        self.error = reason
        self.finished_at = now

    def retry(self) -> None:
        if self.status != JobStatus.FAILED:
            raise JobError("only a failed job is retried")
        self.status = JobStatus.QUEUED
        self.error = None
        self.finished_at = None

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.report_kind} {self.status}>"
