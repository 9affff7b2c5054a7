"""A large response import run by a worker: what was confirmed, where it stands, what it
wrote or why it was refused."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transform.models.base import Base, enum_column, utcnow
from transform.models.job import JobError, JobStatus


class ImportJob(Base):
    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: NULL once the wave (or its programme) is deleted: the job then fails for good.
    wave_id: Mapped[int | None] = mapped_column(
        ForeignKey("wave.id", ondelete="SET NULL"), index=True
    )
    #: The pending upload (transform.pending_uploads) the worker reads; held until done.
    upload_token: Mapped[str] = mapped_column(String(32))
    #: SHA-256 of the reviewed file: the worker imports exactly what was previewed.
    file_sha256: Mapped[str] = mapped_column(String(64))
    #: The confirmed ColumnMapping, as JSON (item ids as strings).
    mapping: Mapped[dict] = mapped_column(JSON)
    #: "dmy" or "mdy" as chosen on the page; NULL lets the file decide.
    date_order: Mapped[str | None] = mapped_column(String(3))
    #: The day given to responses without a date, as the preview showed it.
    default_on: Mapped[date]
    #: Data rows of the file, shown while it imports.
    rows: Mapped[int]
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus, "import_job_status"), default=JobStatus.QUEUED
    )
    #: Why it failed, in words for the person who asked.
    error: Mapped[str | None] = mapped_column(Text)
    #: The problems of a refused file, as the import page lists them (the first ones).
    problems: Mapped[list | None] = mapped_column(JSON)
    #: How many problems the refused file has in all, listed or not.
    problem_count: Mapped[int] = mapped_column(default=0)
    #: False once retrying cannot help: the wave, the upload or the person is gone.
    is_retryable: Mapped[bool] = mapped_column(default=True)
    #: Runs started, including ones whose worker died mid-job and was replaced.
    attempts: Mapped[int] = mapped_column(default=0)
    responses: Mapped[int | None]
    answers: Mapped[int | None]
    #: Responses of the file skipped as imported before (by their source response id).
    skipped: Mapped[int | None]
    #: [team name, responses imported] pairs, by name.
    per_team: Mapped[list | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    def __init__(self, **kwargs):
        kwargs.setdefault("status", JobStatus.QUEUED)
        kwargs.setdefault("attempts", 0)
        kwargs.setdefault("problem_count", 0)
        kwargs.setdefault("is_retryable", True)
        super().__init__(**kwargs)

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def can_retry(self) -> bool:
        return self.status == JobStatus.FAILED and self.is_retryable

    def start(self, now: datetime) -> None:
        if self.status == JobStatus.DONE:
            raise JobError("a finished import is not run again")
        self.status = JobStatus.RUNNING
        self.attempts += 1
        self.started_at = now
        self.error, self.problems, self.problem_count = None, None, 0

    def finish(
        self, responses: int, answers: int, skipped: int, per_team: list, now: datetime
    ) -> None:
        if self.status != JobStatus.RUNNING:
            raise JobError("only a running import finishes")
        self.status = JobStatus.DONE
        self.responses, self.answers, self.skipped = responses, answers, skipped
        self.per_team = [list(pair) for pair in per_team]
        self.finished_at = now

    def fail(
        self,
        reason: str,
        now: datetime,
        problems: list | None = None,
        problem_count: int = 0,
        retryable: bool = True,
    ) -> None:
        if self.status == JobStatus.DONE:
            raise JobError("a finished import does not fail")
        self.status = JobStatus.FAILED
        self.error = reason
        self.problems, self.problem_count = problems, problem_count
        self.is_retryable = retryable
        self.finished_at = now

    def retry(self) -> None:
        if not self.can_retry:
            raise JobError("only a failed import that may succeed is retried")
        self.status = JobStatus.QUEUED
        self.error, self.problems, self.problem_count = None, None, 0
        self.finished_at = None

    def __repr__(self) -> str:
        return f"<ImportJob {self.id} wave={self.wave_id} {self.status}>"
