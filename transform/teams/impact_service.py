"""Changes to a programme's impacted teams and their change impact assessments."""

from datetime import date

from sqlalchemy.orm.attributes import flag_modified

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import ImpactAspect, ImpactedTeam, ImpactLevel, ImpactScore, Programme
from transform.scoring.impact import impact_degree, impact_level

AUDITED_FIELDS = ("team_id", "go_live_on", "impact_level")


def add_impacted_team(
    programme: Programme, team_id: int, go_live_on: date | None, level: ImpactLevel
) -> ImpactedTeam:
    """Mark a team as one the programme changes, not yet assessed."""
    impacted = ImpactedTeam(
        programme_id=programme.id, team_id=team_id, go_live_on=go_live_on, impact_level=level
    )
    db.session.add(impacted)
    db.session.flush()
    record_change(
        "impact.added", impacted, programme.id, after=snapshot(impacted, *AUDITED_FIELDS)
    )
    return impacted


def level_for(scores: dict[ImpactAspect, int], chosen: ImpactLevel) -> ImpactLevel:
    """The assessment's level when any aspect is scored, else the level the PMO chose."""
    degree = impact_degree({aspect.value: score for aspect, score in scores.items()})
    return chosen if degree is None else ImpactLevel(impact_level(degree).value)


def update_impacted_team(
    impacted: ImpactedTeam,
    go_live_on: date | None,
    chosen_level: ImpactLevel,
    scores: dict[ImpactAspect, int],
) -> ImpactedTeam:
    """Save the go-live date and the assessment; unscored aspects lose their score."""
    before = _audited(impacted)
    impacted.go_live_on = go_live_on
    impacted.impact_level = level_for(scores, chosen_level)
    existing = {score.aspect: score for score in impacted.scores}
    for aspect, record in existing.items():
        if aspect not in scores:
            impacted.scores.remove(record)
        else:
            record.score = scores[aspect]
    for aspect, score in scores.items():
        if aspect not in existing:
            impacted.scores.append(ImpactScore(aspect=aspect, score=score))
    after = _audited(impacted, scores)
    if after != before:
        # Scores are rows of their own: a change to them alone must still bump the
        # version of the impacted team that editors opened.
        flag_modified(impacted, "impact_level")
        db.session.flush()
        record_change("impact.updated", impacted, impacted.programme_id, before, after)
    return impacted


def remove_impacted_team(impacted: ImpactedTeam) -> None:
    """The programme no longer changes this team; its assessment goes with it."""
    record_change(
        "impact.removed",
        impacted,
        impacted.programme_id,
        before=_audited(impacted),
    )
    db.session.delete(impacted)
    db.session.flush()


def _audited(impacted: ImpactedTeam, scores: dict[ImpactAspect, int] | None = None) -> dict:
    if scores is None:
        scores = {score.aspect: score.score for score in impacted.scores}
    values = snapshot(impacted, *AUDITED_FIELDS)
    values["scores"] = {
        aspect.value: scores[aspect] for aspect in ImpactAspect if aspect in scores
    }
    return values
