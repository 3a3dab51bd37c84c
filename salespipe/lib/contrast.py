"""Text colours that stay readable on the tint of any colour a user picks (WCAG 2.2, 1.4.3).

A tag is drawn in its own colour: a light tint of it behind, the colour itself for the text.
A yellow or light grey tag would then be unreadable, so the text takes the colour mixed
with the page's ink (dark on a light page, light on a dark one), by the smallest step that
reaches the contrast asked for against every background it may sit on.
"""

from collections.abc import Sequence

type Rgb = tuple[int, int, int]

# What WCAG asks of normal-size text.
READABLE = 4.5
# How much of the tag's colour its tint keeps over the page: the stylesheets' `14%`.
TINT = 0.14


def parse(colour: str) -> Rgb:
    """ "#abc" or "#aabbcc" as (r, g, b)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_of(rgb: Rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def mix(colour: Rgb, other: Rgb, share: float) -> Rgb:
    """`share` of `colour` over `other`, as CSS `color-mix(in srgb, …)` makes it."""
    r, g, b = (round(c * share + o * (1 - share)) for c, o in zip(colour, other, strict=True))
    return r, g, b


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: Rgb) -> float:
    r, g, b = (_linear(channel) for channel in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: Rgb, second: Rgb) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ink(colour: Rgb, surfaces: Sequence[Rgb], towards: Rgb, ratio: float = READABLE) -> Rgb:
    """`colour`, mixed with `towards` as little as needed to read at `ratio` on its tint over
    each of `surfaces`."""
    backgrounds = [mix(colour, surface, TINT) for surface in surfaces]
    for step in range(21):
        candidate = mix(colour, towards, 1 - step / 20)
        if all(contrast(candidate, background) >= ratio for background in backgrounds):
            return candidate
    return towards
