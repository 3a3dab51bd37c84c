"""The API's bodies name and type the fields as the services' values do: `schemas.sent`
hands them over as they are, and refuses, as our mistake, a field its service doesn't take."""

import pytest
from ninja import Schema

from salespipe.api.routers.customers import AccountIn, AccountPatch, ContactIn, ContactPatch
from salespipe.api.routers.opportunity_parts import LineIn
from salespipe.api.schemas import sent
from salespipe.api.schemas_opportunities import (
    MandatoryFieldsIn,
    OpportunityIn,
    OpportunityPatch,
)
from salespipe.customers.services import AccountValues, ContactValues
from salespipe.pipeline.models import MANDATORY_FIELD_NAMES
from salespipe.pipeline.services.estimate import LineValues
from salespipe.pipeline.services.values import OpportunityChanges, OpportunityValues


@pytest.mark.parametrize(
    ("schema", "left_out", "shape"),
    [
        (OpportunityIn, {"portfolio", "stage", "fallback_to_first_stage"}, OpportunityValues),
        (OpportunityPatch, {"version"}, OpportunityChanges),
        (AccountIn, {"company"}, AccountValues),
        (AccountPatch, set(), AccountValues),
        (ContactIn, {"account"}, ContactValues),
        (ContactPatch, set(), ContactValues),
        (LineIn, {"version"}, LineValues),
    ],
)
def test_a_body_sends_every_field_of_its_services_values(
    schema: type[Schema], left_out: set[str], shape: type
):
    assert set(schema.model_fields) - left_out == set(shape.__annotations__)


def test_the_mandatory_fields_of_a_transition_are_values_of_an_opportunity():
    assert set(MandatoryFieldsIn.model_fields) == set(MANDATORY_FIELD_NAMES)
    assert set(MANDATORY_FIELD_NAMES) <= set(OpportunityValues.__annotations__)


def test_a_field_the_service_doesnt_take_is_a_mistake_not_a_silent_drop():
    body = OpportunityPatch(version=1, name="Renamed", portfolio=3)

    assert sent(body, OpportunityChanges, exclude={"version"}) == {
        "name": "Renamed",
        "portfolio": 3,
    }
    with pytest.raises(TypeError, match="portfolio"):
        sent(body, OpportunityValues, exclude={"version"})
