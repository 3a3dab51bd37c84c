"""Large fragments put into a page after rendering, unchanged and in their places."""

from django.template import Context, Template
from django.utils.html import escape

from salespipe.web.late_fragments import LateFragments


def test_each_fragment_takes_the_place_of_its_marker_once_the_page_is_rendered():
    late = LateFragments()
    first, second = late.hold("<li>€ 1</li>"), late.hold("<li>—2</li>")
    page = Template("<ol>{{ a }}</ol><p>{{ text }}</p><ol>{{ b }}</ol>").render(
        Context({"a": first, "b": second, "text": "plain"})
    )
    assert late.fill(page) == "<ol><li>€ 1</li></ol><p>plain</p><ol><li>—2</li></ol>"


def test_user_text_that_looks_like_a_marker_stays_text():
    late = LateFragments()
    marker = late.hold("<li>card</li>")
    # The same characters, typed by a user: a plain string, not markup.
    typed = "".join(list(marker))
    page = Template("{{ real }}{{ typed }}").render(Context({"real": marker, "typed": typed}))
    # The typed copy is escaped by the template, so only the real marker is replaced.
    assert late.fill(page) == "<li>card</li>" + escape(typed)
