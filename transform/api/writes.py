"""What the API's write endpoints share: free text that may be empty, the 422 that names
each field at fault, and the first step of every PATCH (version check, fields sent)."""

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from transform.api.problems import ApiProblem


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value.strip()


def optional_text(max_length: int):
    """A string that may be empty, checked as sent, kept without outer spaces."""
    return Annotated[
        str,
        StringConstraints(max_length=max_length),
        AfterValidator(_no_nul),
        Field(json_schema_extra={"pattern": r"^[^\x00]*$"}),
    ]


def field_errors(errors: dict[str, str]) -> ApiProblem:
    """A 422 with one error per body field, as pydantic's own refusals read."""
    return ApiProblem(
        422,
        "Some values are invalid; see errors.",
        [{"path": f"body/{field}", "message": message} for field, message in errors.items()],
    )


def patch_fields(
    body: BaseModel,
    version: int,
    noun: str,
    required: Iterable[str],
    exclude: frozenset[str] = frozenset({"version"}),
) -> dict[str, Any]:
    """The fields a PATCH sent, after its checks: 409 when the body carries a version other
    than the row's (`noun` names the row: "this KPI"), 422 naming each required field sent
    as null."""
    sent_version = getattr(body, "version", None)
    if sent_version is not None and sent_version != version:
        raise ApiProblem(409, f"Someone changed {noun} since you read it.")
    sent = body.model_dump(exclude_unset=True, exclude=set(exclude))
    cleared = [name for name in required if name in sent and sent[name] is None]
    if cleared:
        raise field_errors({name: "This field cannot be removed." for name in cleared})
    return sent
