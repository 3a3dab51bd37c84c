"""Opportunity tags created and edited from the tags field (SPEC O2)."""

import pytest

from salespipe.lib.errors import InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.pipeline.models import Tag, TagKind
from salespipe.pipeline.services import tags
from salespipe.test import World


def test_any_collaborator_creates_an_opportunity_tag_grey_by_default(world: World):
    tag = tags.tag_create(user=world.bob, name="  Énergie  ")

    assert (tag.name, tag.kind, tag.color) == ("Énergie", TagKind.OPPORTUNITY, tags.DEFAULT_COLOUR)
    assert Tag.objects.filter(kind=TagKind.OPPORTUNITY, name="Énergie").count() == 1


@pytest.mark.parametrize(
    ("name", "color", "field"),
    [
        ("hot", None, "name"),  # "Hot" exists: case is ignored
        ("", None, "name"),
        ("x" * 61, None, "name"),
        ("Cold", "red", "color"),
        ("Cold", "#12345", "color"),
    ],
)
def test_a_bad_or_taken_name_or_colour_is_refused(world: World, name, color, field):
    before = Tag.objects.count()

    with pytest.raises(InvalidInput) as error:
        tags.tag_create(user=world.bob, name=name, color=color)

    assert field in error.value.errors
    assert Tag.objects.count() == before


def test_a_tag_is_renamed_and_recoloured_from_the_field(world: World):
    tag = tags.tag_update(user=world.bob, tag_id=world.tag_hot.pk, name="Very hot", color="#00AA00")

    assert (tag.name, tag.color) == ("Very hot", "#00aa00")
    world.tag_hot.refresh_from_db()
    assert world.tag_hot.name == "Very hot"


def test_a_tag_of_another_kind_is_not_edited_from_the_opportunity_field(world: World):
    """Other kinds are configuration (AD3): from here they don't exist."""
    with pytest.raises(OutOfScope):
        tags.tag_update(user=world.bob, tag_id=world.tag_other_kind.pk, name="Renamed")

    world.tag_other_kind.refresh_from_db()
    assert world.tag_other_kind.name == "Newsletter"


def test_suggestions_start_at_the_first_character_and_f2_lists_every_opportunity_tag(
    world: World,
):
    """O2: opportunity tags only, accents and case ignored; everything for F2."""
    energy = tags.tag_create(user=world.bob, name="Énergie")

    assert tags.opportunity_tags("e") == [energy]
    assert tags.opportunity_tags("H") == [world.tag_hot]
    assert tags.opportunity_tags("n") == []  # "Newsletter" is of another kind
    assert tags.opportunity_tags("") == []
    assert tags.opportunity_tags("", everything=True) == [energy, world.tag_hot]
