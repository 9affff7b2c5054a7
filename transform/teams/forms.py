"""Forms for the org tree, its import, and a programme's impacted teams."""

from collections.abc import Callable
from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice, enum_choices, enum_coerce
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from transform.import_forms import ReviewForm
from transform.models import ImpactAspect, ImpactedTeam, ImpactLevel, Programme, Team
from transform.teams.importing import EXTERNAL_ID_MAX, HEADCOUNT_MAX, NAME_MAX
from transform.teams.queries import ASPECT_LABELS, SCORE_LABELS
from transform.teams.service import TeamDraft, merge_refusal
from transform.teams.tree import OrgTree
from transform.validation import NumberRange, PlausibleDate, WithinProgramme, strip
from transform.versioning import VersionedForm

CAPACITY_MAX = 100_000
OTHER_PROGRAMMES_TEAM = (
    "That team is used only by programmes you are not a PMO admin of: ask one of their PMO "
    "admins or a site administrator to change it."
)
STALE_TEAM = "Someone changed this team since you opened it. Reload to see their changes."
STALE_IMPACT = (
    "Someone changed this team's impact since you opened it. Reload to see their changes."
)


def _optional_int(value) -> int | None:
    """Coerce a select's value to an int, with the empty option meaning none."""
    if value is None or value == "":
        return None
    return int(value)


def _team_choices(tree: OrgTree, empty: str, exclude: set[int] = frozenset()) -> list:
    return [SelectChoice("", empty)] + [
        SelectChoice(team_id, label) for team_id, label in tree.choices(exclude)
    ]


class TeamForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=NAME_MAX)])
    external_id = StringField(
        "Team id", filters=[strip], validators=[Optional(), Length(max=EXTERNAL_ID_MAX)]
    )
    parent_id = SelectField("Parent team", coerce=_optional_int)
    headcount = IntegerField(
        "Headcount", default=0, validators=[InputRequired(), NumberRange(0, HEADCOUNT_MAX)]
    )
    change_capacity = IntegerField(
        "Change capacity", validators=[Optional(), NumberRange(1, CAPACITY_MAX)]
    )

    def __init__(self, tree: OrgTree, *args, team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.team = team
        self.parent_id.choices = _team_choices(tree, "None: a top-level unit")

    def validate_external_id(self, field) -> None:
        own = self.team.id if self.team is not None else None
        for node in self.tree.nodes.values():
            if field.data and node.external_id == field.data and node.id != own:
                raise ValidationError(f"{node.name} already has the team id {field.data}.")

    def validate_parent_id(self, field) -> None:
        if self.team is None:
            return
        cycle = self.tree.move_cycle(self.team.id, field.data)
        if cycle is not None and len(cycle) == 2:
            raise ValidationError("A team cannot be its own parent.")
        if cycle is not None:
            raise ValidationError(
                f"That would make a loop: {' → '.join(cycle)}. "
                "A team cannot move under itself or one of its own teams."
            )

    def draft(self) -> TeamDraft:
        return TeamDraft(
            name=self.name.data,
            external_id=self.external_id.data or None,
            parent_id=self.parent_id.data,
            headcount=self.headcount.data,
            change_capacity=self.change_capacity.data,
        )


class TeamEditForm(VersionedForm, TeamForm):
    pass


class MergeForm(VersionedForm):
    into = SelectField("Merge into", coerce=_optional_int)

    def __init__(
        self,
        tree: OrgTree,
        team: Team,
        *args,
        open_waves: list[tuple[str, date]] = (),
        editable: Callable[[int], bool] = lambda _team_id: True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.team = team
        self.open_waves = open_waves
        self.editable = editable
        self.into.choices = _team_choices(tree, "Choose a team", exclude={team.id})

    def validate_into(self, field) -> None:
        if field.data is None:
            raise ValidationError("Choose the team to merge into.")
        if not self.editable(field.data):
            raise ValidationError(OTHER_PROGRAMMES_TEAM)
        refusal = merge_refusal(self.tree, self.team.id, field.data, self.open_waves)
        if refusal:
            raise ValidationError(refusal)

    @property
    def target(self):
        return self.tree.nodes.get(self.into.data) if not self.into.errors else None


class ImportReviewForm(ReviewForm):
    """An org file has no dates: only how its headcounts are written may need choosing."""

    date_order = None
    submit = SubmitField("Import teams")


# A programme's impacted teams


def _level_label(level: ImpactLevel) -> str:
    return level.value.capitalize()


class ImpactFields(FlaskForm):
    go_live_on = DateField("Go-live date", validators=[Optional(), PlausibleDate()])
    impact_level = SelectField(
        "Impact level",
        choices=enum_choices(ImpactLevel, label=_level_label),
        coerce=enum_coerce(ImpactLevel),
        default=ImpactLevel.MEDIUM,
    )

    def __init__(self, programme: Programme, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def validate_go_live_on(self, field) -> None:
        WithinProgramme(self.programme.starts_on, self.programme.ends_on)(self, field)


class ImpactedTeamForm(ImpactFields):
    team_id = SelectField("Team", coerce=_optional_int)

    def __init__(self, programme: Programme, tree: OrgTree, impacted: set[int], *args, **kwargs):
        super().__init__(programme, *args, **kwargs)
        self.team_id.choices = _team_choices(tree, "Choose a team", exclude=impacted)

    def validate_team_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("Choose the team the programme changes.")


SCORE_CHOICES = [SelectChoice("", "Not assessed")] + [
    SelectChoice(score, f"{score} · {label}") for score, label in SCORE_LABELS.items()
]


class ImpactAssessmentForm(VersionedForm, ImpactFields):
    """Go-live date and one 0-5 score per aspect of work; score_<aspect> fields."""

    def __init__(self, programme: Programme, impacted: ImpactedTeam, *args, **kwargs):
        scores = {f"score_{score.aspect.value}": score.score for score in impacted.scores}
        super().__init__(programme, *args, obj=impacted, data=scores, **kwargs)

    def aspect_fields(self) -> list[tuple[ImpactAspect, SelectField]]:
        return [(aspect, self[f"score_{aspect.value}"]) for aspect in ImpactAspect]

    def scores(self) -> dict[ImpactAspect, int]:
        return {aspect: f.data for aspect, f in self.aspect_fields() if f.data is not None}


for _aspect in ImpactAspect:
    setattr(
        ImpactAssessmentForm,
        f"score_{_aspect.value}",
        SelectField(ASPECT_LABELS[_aspect], choices=SCORE_CHOICES, coerce=_optional_int),
    )
