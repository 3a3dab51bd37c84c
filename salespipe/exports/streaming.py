"""An export's answer, sent as it is written.

Under ASGI (how `make run` and production serve), Django would read a synchronous iterator to
its end before sending anything; so each piece is pulled from the (synchronous, database-
reading) writer in the request's thread, one at a time, by an asynchronous iterator. Under
WSGI, the same pieces are read directly.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Literal

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse
from django.utils import timezone

Format = Literal["csv", "xlsx"]

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _pulled(pieces: Iterator[bytes]) -> AsyncIterator[bytes]:
    take = sync_to_async(lambda: next(pieces, None), thread_sensitive=True)

    async def pieces_one_by_one() -> AsyncIterator[bytes]:
        while (piece := await take()) is not None:
            yield piece

    return pieces_one_by_one()


def streamed(
    pieces: Iterator[bytes], *, name: str, file_format: Format, asynchronous: bool
) -> StreamingHttpResponse:
    """The file `name`-YYYY-MM-DD.csv or .xlsx, as an attachment."""
    content = _pulled(pieces) if asynchronous else pieces
    response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[file_format])
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{day}.{file_format}"'
    # Figures of a company's deals: kept by no shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
