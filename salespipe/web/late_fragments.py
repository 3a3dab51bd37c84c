"""Large fragments put into a rendered page once the template engine is done with it.

The template engine joins every level of a page's nesting (extends, block, partial, include,
for, with) into a new string. The markup of hundreds of cards, most of a board's bytes and
mostly text that CPython stores two bytes a character (€, narrow no-break spaces), was
copied and widened that way a dozen times: 5 to 8 ms of a page of 400 to 700 cards. A
fragment held here goes through the templates as a short marker and is put in its place
once, when the page is rendered. Markers are HTML comments carrying a random token; escaped
text can't contain "<!--", so no user input can forge or move one.
"""

import re
import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe

CONTEXT_KEY = "late_fragments"


class LateFragments:
    def __init__(self) -> None:
        token = secrets.token_hex(8)
        self._prefix = f"<!--late:{token}:"
        self._marker = re.compile(re.escape(self._prefix) + r"(\d+)-->")
        self._fragments: list[str] = []

    def hold(self, html: str) -> SafeString:
        """The marker to write in `html`'s place."""
        self._fragments.append(html)
        return mark_safe(f"{self._prefix}{len(self._fragments) - 1}-->")

    def fill(self, page: str) -> str:
        # split() alternates text and captured indexes: text, 0, text, 1, …, text.
        parts = self._marker.split(page)
        parts[1::2] = [self._fragments[int(index)] for index in parts[1::2]]
        return "".join(parts)


def render_with_late(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """`render`, then the fragments the context's `LateFragments` holds put in place."""
    response = render(request, template_name, context, status=status)
    late: LateFragments | None = context.get(CONTEXT_KEY)
    if late is not None:
        response.content = late.fill(response.content.decode(response.charset))
    return response
