"""Uploads kept under `settings.DOCUMENT_MAX_BYTES` (SPEC S5), for the sheet and the API alike.

A file is refused as soon as it grows past the limit rather than once it is stored, so a large
file never fills the disk or the memory. The handler reads the body as it arrives: it must be
in place before anything reads `request.POST` or `request.FILES`.
"""

from typing import override

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from salespipe.documents.services import max_bytes


class SizeLimitHandler(FileUploadHandler):
    """Stops receiving a file once it is larger than `limit` bytes, and says so."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    @override
    def file_complete(self, file_size: int) -> None:
        return None


def limit_upload_size(request: HttpRequest) -> SizeLimitHandler:
    """Puts the size limit of a document first among the request's upload handlers.

    The handler answers, once the body is read, whether the file was too large.
    """
    handler = SizeLimitHandler(request, max_bytes())
    request.upload_handlers.insert(0, handler)
    return handler
