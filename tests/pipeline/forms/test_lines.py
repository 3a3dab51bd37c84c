"""A line of the detailed estimate as the sheet posts it, read into the values the estimate
service takes (SPEC S3): only the inputs posted, numbers in French or English writing."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from salespipe.lib.errors import InvalidInput
from salespipe.pipeline.forms.lines import posted_line


def _posted(**inputs: str) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(inputs)
    return data


def test_only_the_inputs_posted_are_read_and_numbers_in_either_writing():
    values = posted_line(
        _posted(sale_type="3", unit_price="1\u202f000,50", quantity="2.5", days="", label=" Setup ")
    )

    assert values == {
        "sale_type": 3,
        "unit_price": Decimal("1000.50"),
        "quantity": Decimal("2.5"),
        "days": None,
        "label": "Setup",
    }


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"amount": "abc"}, "amount"),
        ({"amount": "1e9"}, "amount"),
        ({"sale_type": ""}, "sale_type"),
        ({"sale_type": "two"}, "sale_type"),
        ({"label": "Setup\x00"}, "label"),
    ],
)
def test_an_input_that_cant_be_read_is_named(inputs: dict[str, str], field: str):
    with pytest.raises(InvalidInput) as error:
        posted_line(_posted(**inputs))

    assert list(error.value.errors) == [field]
