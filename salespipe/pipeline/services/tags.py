"""Opportunity tags from the tags field of the creation form and the sheet (SPEC O2).

The field suggests tags of kind *opportunity* only, from their first character; F2 lists
them all. As in the original product, a salesperson creates a tag or edits a tag's name
and colour from the field itself, without going through the configuration screens: any
active collaborator may do so, for tags of kind *opportunity* only. Tags of other kinds
are configuration (AD3) and change only in the admin. Names are unique per kind, case and
accents ignored, so that "Hot" and "hot" can't both exist.
"""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from salespipe.lib import contrast
from salespipe.lib.errors import InvalidInput
from salespipe.lib.text import search_key
from salespipe.org.access import OutOfScope
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Tag, TagKind

__all__ = ["DEFAULT_COLOUR", "opportunity_tags", "tag_create", "tag_stylesheet", "tag_update"]

DEFAULT_COLOUR = "#64748b"
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_NAME_MAX = Tag._meta.get_field("name").max_length or 60
SUGGESTIONS = 20

# The stylesheets' surfaces a tag sits on (`--surface`, `--surface-2`) and their ink
# (`--text`), in the light theme and the dark one.
_LIGHT = (contrast.parse("#ffffff"), contrast.parse("#eef0f3")), contrast.parse("#1f2933")
_DARK = (contrast.parse("#1b2027"), contrast.parse("#242a33")), contrast.parse("#e6e9ed")


def tag_stylesheet() -> str:
    """Each opportunity tag's colour as CSS custom properties: `--tag` for its tint and
    border, `--tag-ink` and `--tag-ink-dark` for its text, readable in either theme. A
    colour that is not a hex colour is left out: it can't break out of the stylesheet."""
    rules = []
    for tag in Tag.objects.filter(kind=TagKind.OPPORTUNITY).only("pk", "color").order_by("pk"):
        if not _COLOUR.fullmatch(tag.color or ""):
            continue
        colour = contrast.parse(tag.color)
        light = contrast.hex_of(contrast.ink(colour, *_LIGHT))
        dark = contrast.hex_of(contrast.ink(colour, *_DARK))
        rules.append(f".tag-{tag.pk}{{--tag:{tag.color};--tag-ink:{light};--tag-ink-dark:{dark}}}")
    return "\n".join(rules)


def opportunity_tags(typed: str = "", *, everything: bool = False) -> list[Tag]:
    """The tags of kind opportunity whose name starts with `typed` (case and accents ignored).

    `everything` lists them all (F2). Nothing typed and not everything: no suggestion.
    """
    # Sorted here, accents ignored, so that the order is the same on every database.
    tags = sorted(
        Tag.objects.filter(kind=TagKind.OPPORTUNITY), key=lambda tag: (search_key(tag.name), tag.pk)
    )
    if everything:
        return tags
    key = search_key(typed)
    if not key:
        return []
    return [tag for tag in tags if search_key(tag.name).startswith(key)][:SUGGESTIONS]


def _require_active(user: Collaborator) -> None:
    if not user.is_active:
        raise OutOfScope(Tag, None)


def _clean(name: object, colour: object, errors: dict[str, list[str]]) -> tuple[str, str | None]:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        errors["name"] = [_("Give the tag a name.")]
    elif len(text) > _NAME_MAX:
        errors["name"] = [_("At most %(count)d characters.") % {"count": _NAME_MAX}]
    chosen: str | None = None
    if colour not in (None, ""):
        if not isinstance(colour, str) or not _COLOUR.fullmatch(colour.strip()):
            errors["color"] = [_("A colour written #rrggbb is expected.")]
        else:
            chosen = colour.strip().lower()
    return text, chosen


def _taken(name: str, exclude: int | None = None) -> bool:
    key = search_key(name)
    others = Tag.objects.filter(kind=TagKind.OPPORTUNITY)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return any(search_key(other) == key for other in others.values_list("name", flat=True))


def _save(tag: Tag) -> Tag:
    try:
        with transaction.atomic():
            tag.save()
    except IntegrityError:
        raise InvalidInput({"name": [_("A tag of this name already exists.")]}) from None
    return tag


@transaction.atomic
def tag_create(*, user: Collaborator, name: str, color: str | None = None) -> Tag:
    """A new opportunity tag, grey unless a colour is given."""
    _require_active(user)
    errors: dict[str, list[str]] = {}
    text, colour = _clean(name, color, errors)
    if "name" not in errors and _taken(text):
        errors["name"] = [_("A tag of this name already exists.")]
    if errors:
        raise InvalidInput(errors)
    return _save(Tag(name=text, kind=TagKind.OPPORTUNITY, color=colour or DEFAULT_COLOUR))


@transaction.atomic
def tag_update(
    *, user: Collaborator, tag_id: int, name: str | None = None, color: str | None = None
) -> Tag:
    """A new name or colour for an opportunity tag; `OutOfScope` for a tag of another kind."""
    _require_active(user)
    try:
        key = int(tag_id)
    except (TypeError, ValueError):
        raise OutOfScope(Tag, tag_id) from None
    tag = Tag.objects.select_for_update().filter(pk=key, kind=TagKind.OPPORTUNITY).first()
    if tag is None:
        raise OutOfScope(Tag, tag_id)
    errors: dict[str, list[str]] = {}
    text, colour = _clean(tag.name if name is None else name, color, errors)
    if "name" not in errors and _taken(text, exclude=tag.pk):
        errors["name"] = [_("A tag of this name already exists.")]
    if errors:
        raise InvalidInput(errors)
    tag.name = text
    if colour is not None:
        tag.color = colour
    return _save(tag)
