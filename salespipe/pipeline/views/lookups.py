"""The small JSON endpoints behind the autocompletes of the creation form and the sheet (O2):
salespeople and tags, answered in the shape `salespipe.web.lookups` describes."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.lib.text import search_key
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Tag
from salespipe.pipeline.services import tags as tag_services
from salespipe.web.http import AuthedRequest
from salespipe.web.lookups import SUGGESTIONS, everything, refused, suggestions, typed


def _company_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("company", "")
    return integer(raw)


def _matches(person: Collaborator, key: str) -> bool:
    full = search_key(person.get_full_name())
    words = [*full.split(), search_key(person.username)]
    return full.startswith(key) or any(word.startswith(key) for word in words)


@login_required
@require_GET
def salespeople(request: AuthedRequest) -> JsonResponse:
    """O2: the active collaborators of the company, from the first letters of their name."""
    company_id = _company_id(request)
    if company_id is None or company_id not in access.company_ids(request.user):
        return suggestions([])
    people = (
        access.scoped(request.user, Collaborator.objects.filter(is_active=True))
        .filter(companies=company_id)
        .select_related("team")
        .order_by("first_name", "last_name", "username")
    )
    key = search_key(typed(request))
    found = [p for p in people if everything(request) or (key and _matches(p, key))]
    return suggestions(
        {
            "id": person.pk,
            "label": str(person),
            "detail": person.team.name if person.team else "",
            "data": {},
        }
        for person in found[:SUGGESTIONS]
    )


def _tag_item(tag: Tag) -> dict[str, Any]:
    return {"id": tag.pk, "label": tag.name, "detail": "", "data": {"color": tag.color}}


@login_required
@require_http_methods(["GET", "POST"])
def tags(request: AuthedRequest) -> JsonResponse:
    """GET: opportunity tags from their first character, all with `all=1` (F2). POST: a new tag."""
    if request.method == "POST":
        try:
            tag = tag_services.tag_create(
                user=request.user,
                name=request.POST.get("name", ""),
                color=request.POST.get("color") or None,
            )
        except InvalidInput as exc:
            return refused(exc)
        return JsonResponse(_tag_item(tag), status=201)
    text = typed(request)
    found = tag_services.opportunity_tags(text, everything=everything(request))
    exact = any(search_key(tag.name) == search_key(text) for tag in found)
    create = _("Create the tag “%(name)s”") % {"name": text} if text and not exact else None
    return suggestions((_tag_item(tag) for tag in found), create)


@login_required
@require_POST
def tag_edit(request: AuthedRequest, tag_id: int) -> JsonResponse:
    """A new name or colour for an opportunity tag, from the tags field."""
    try:
        tag = tag_services.tag_update(
            user=request.user,
            tag_id=tag_id,
            name=request.POST.get("name"),
            color=request.POST.get("color") or None,
        )
    except InvalidInput as exc:
        return refused(exc)
    return JsonResponse(_tag_item(tag))
