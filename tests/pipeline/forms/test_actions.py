"""A new action's posted inputs, read into the values the activities service takes (SPEC
B20, S4): the board's dialog and the sheet's *Activities* tab post the same form."""

import datetime as dt

import pytest
from django.http import QueryDict

from salespipe.activities.services import NewAction
from salespipe.lib.errors import InvalidInput
from salespipe.pipeline.forms.actions import ActionForm, page_errors


def _read(**inputs: str) -> NewAction:
    data = QueryDict(mutable=True)
    data.update({"kind": "demo", "subject": " Demo ", "due_date": "2031-01-05", **inputs})
    return ActionForm(data).new_action()


def test_the_date_and_time_are_one_moment_of_the_current_time_zone():
    action = _read(due_time="10:30", assignee="12", notes=" Bring the samples ")

    assert action == NewAction(
        kind="demo",
        subject="Demo",
        due_at=dt.datetime.fromisoformat("2031-01-05T10:30"),
        assignee_id=12,
        notes="Bring the samples",
    )


def test_without_a_time_it_is_due_at_nine_and_without_an_assignee_the_user_takes_it():
    action = _read()

    assert action.due_at == dt.datetime.fromisoformat("2031-01-05T09:00")
    assert action.assignee_id is None


def test_every_input_that_cant_be_read_is_named_at_once():
    with pytest.raises(InvalidInput) as error:
        _read(due_date="05/01/2031", assignee="1e3")

    assert set(error.value.errors) == {"due_date", "assignee"}


def test_errors_of_inputs_that_show_none_are_said_above_the_form():
    assert page_errors({"notes": ["No NUL."], "__all__": ["No."], "kind": ["Which?"]}) == {
        "all": ["No NUL.", "No."],
        "kind": ["Which?"],
    }


def test_what_the_service_would_refuse_is_said_with_what_couldnt_be_read():
    """The kind and the subject are checked as the service checks them, so that a user
    fixes every input at once."""
    with pytest.raises(InvalidInput) as error:
        _read(kind="", subject=" ", due_date="bad")

    assert set(error.value.errors) == {"kind", "subject", "due_date"}
