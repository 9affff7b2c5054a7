"""What the API's write endpoints share: free text that may be empty, and the 422 that
names each field at fault."""

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

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
