"""Shapes shared by every resource of the API: ids, text inputs, errors and pages."""

from typing import Annotated, Any, cast

from ninja import Field, Schema
from ninja.params import functions as params
from pydantic import ConfigDict

# The largest id a database key holds (a signed 64-bit integer): a bigger one would fail in
# the database instead of answering "not found" or "invalid".
MAX_ID = 2**63 - 1

# NUL can't be stored in PostgreSQL text; rejecting it up front keeps bad input a 422.
NO_NUL = r"^[^\x00]*$"

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="An object's id.")]
SearchText = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def text_field(max_length: int, description: str, default: Any = ...) -> Any:
    """A text field of a body: no NUL, at most `max_length` characters.

    `default=...` makes it required; `default=None` lets a PATCH leave it out (the schema
    then shows no default, and null is refused); any other value is the creation default.
    """
    return Field(
        default,
        max_length=max_length,
        pattern=NO_NUL,
        description=description,
        json_schema_extra=_drop_default if default is None else None,
    )


def omittable(description: str) -> Any:
    """A field a write may leave out: it then keeps its value. The schema shows no default."""
    return Field(None, description=description, json_schema_extra=_drop_default)


class InputSchema(Schema):
    """A request body: a field the operation doesn't take is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def sent[V](payload: Schema, shape: type[V], exclude: set[str] | None = None) -> V:
    """The fields `payload` sent (but those of `exclude`), as the service whose values
    `shape` types takes them: a schema's fields are named and typed as its keys."""
    values = payload.model_dump(exclude_unset=True, exclude=exclude)
    strays = set(values) - set(shape.__annotations__)
    if strays:
        # A schema out of step with its service: a mistake of ours, not of the caller's.
        raise TypeError(f"{type(payload).__name__} sends {sorted(strays)}, not in {shape}")
    return cast(V, values)


class FieldError(Schema):
    """One invalid value: where it was and what is wrong with it."""

    loc: list[str | int] = Field(
        description='Where the value was: `["body", "siren"]`, `["query", "limit"]`.'
    )
    msg: str = Field(description="What is wrong, in a sentence.")
    type: str = Field(description="A stable code for the kind of error.")


class ErrorOut(Schema):
    """Every error answer carries a sentence a person can read."""

    detail: str = Field(description="What went wrong, in a sentence.")


class InvalidOut(Schema):
    """The request was refused because of its values; nothing was changed."""

    detail: str = Field(description="What went wrong, in a sentence.")
    errors: list[FieldError] = Field(
        default_factory=list, description="Each invalid value, with where it was."
    )


class Page[T](Schema):
    """One page of a list; ask for the next one with `cursor=<next>`."""

    items: list[T] = Field(description="The objects of this page, in the order asked for.")
    next: str | None = Field(description="The cursor of the next page, or null on the last page.")


# The error answers each kind of operation may give, for the OpenAPI document.
READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 422: InvalidOut}
DETAIL_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
WRITE_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: InvalidOut,
}


def path_id(what: str) -> Any:
    """The `{id}` of an operation's path, described for the OpenAPI document."""
    return params.Path(..., ge=1, le=MAX_ID, description=f"The id of the {what}.")
