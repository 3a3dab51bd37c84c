"""Tag text reads on its tag's tint whatever colour a user picks (U1; WCAG 1.4.3)."""

import pytest

from salespipe.lib import contrast

LIGHT_SURFACES = (contrast.parse("#ffffff"), contrast.parse("#eef0f3"))
DARK_SURFACES = (contrast.parse("#1b2027"), contrast.parse("#242a33"))


def test_the_contrast_ratio_is_wcags():
    assert round(contrast.contrast(contrast.parse("#000"), contrast.parse("#fff")), 2) == 21.0
    # The pair axe-core reported on the tags before: 3.89:1.
    red, tint = contrast.parse("#dc2626"), contrast.parse("#fae1e1")
    assert round(contrast.contrast(red, tint), 2) == 3.89
    assert contrast.mix(red, contrast.parse("#ffffff"), contrast.TINT) == tint


@pytest.mark.parametrize(
    "colour", ["#dc2626", "#d97706", "#059669", "#facc15", "#ffffff", "#000000", "#64748b", "#abc"]
)
def test_a_tags_ink_reads_on_its_tint_in_both_themes(colour: str):
    rgb = contrast.parse(colour)
    for surfaces, towards in (
        (LIGHT_SURFACES, contrast.parse("#1f2933")),
        (DARK_SURFACES, contrast.parse("#e6e9ed")),
    ):
        ink = contrast.ink(rgb, surfaces, towards)
        for surface in surfaces:
            assert contrast.contrast(ink, contrast.mix(rgb, surface, contrast.TINT)) >= 4.5


def test_a_colour_that_reads_already_is_kept():
    navy = contrast.parse("#1e3a8a")
    assert contrast.ink(navy, LIGHT_SURFACES, contrast.parse("#1f2933")) == navy
