"""Documents attached to an opportunity (SPEC S5), whatever the door.

A document belongs to its opportunity's company and is reached only through the access
module: another company's document is one that does not exist. What a user sends is
never trusted:

- the size is checked against `settings.DOCUMENT_MAX_BYTES` (the upload view also stops
  reading a file once it is larger, so a huge file never fills the disk);
- the name on disk is generated (`models.storage_name`); the name a user reads is the
  file's own name stripped of any folder, of either slash, and of control characters;
- the declared content type is kept for display only: downloads are always served as an
  attachment of type `application/octet-stream` (see the download view).
"""

import re
import unicodedata
from typing import Any, Protocol, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from salespipe.documents.models import Document
from salespipe.lib.errors import InvalidInput
from salespipe.org import access
from salespipe.org.models import Collaborator

__all__ = [
    "clean_name",
    "document_delete",
    "document_get",
    "document_opportunity",
    "document_upload",
    "documents_of",
    "max_bytes",
]

_NAME_MAX = Document._meta.get_field("original_name").max_length or 255
_TYPE_MAX = Document._meta.get_field("content_type").max_length or 120
_CONTENT_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
FALLBACK_NAME = "document"


def max_bytes() -> int:
    return int(settings.DOCUMENT_MAX_BYTES)


def clean_name(raw: str | None) -> str:
    """The file's own name: no folder ("../a/b.pdf", "C:\\x\\b.pdf" -> "b.pdf"), no control
    characters, at most 255 characters with the extension kept."""
    text = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = text.strip().strip(".").strip()
    if not text:
        return FALLBACK_NAME
    if len(text) > _NAME_MAX:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            text = stem[: _NAME_MAX - len(extension) - 1] + "." + extension
        else:
            text = text[:_NAME_MAX]
    return text


def _content_type(raw: Any) -> str:
    text = raw.strip().lower() if isinstance(raw, str) else ""
    return text if _CONTENT_TYPE.match(text) and len(text) <= _TYPE_MAX else ""


def too_large_message() -> str:
    return _("The file is larger than %(limit)s, the most a document may weigh.") % {
        "limit": filesizeformat(max_bytes())
    }


class OpportunityRef(Protocol):
    """What a document takes of the opportunity it hangs on, which this app doesn't import
    (`access.hung_on`)."""

    pk: int
    company_id: int


def document_opportunity(user: Collaborator, opportunity_id: int) -> OpportunityRef:
    """The opportunity of id `opportunity_id` if the user may see it; `OutOfScope` otherwise."""
    model = access.hung_on(Document, "opportunity")
    return cast(OpportunityRef, access.get(user, model, opportunity_id))


def documents_of(user: Collaborator, opportunity: OpportunityRef) -> QuerySet[Document]:
    """The documents of one opportunity, newest first."""
    return (
        access.scoped(user, Document.objects.all())
        .filter(opportunity_id=opportunity.pk)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )


def document_get(*, user: Collaborator, document_id: int) -> Document:
    """A document the user may read; `OutOfScope` otherwise."""
    return access.get(user, Document, document_id)


@transaction.atomic
def document_upload(
    *, user: Collaborator, opportunity_id: int, upload: UploadedFile[bytes] | None
) -> Document:
    """Stores `upload` as a document of the opportunity, in the opportunity's company."""
    opportunity = document_opportunity(user, opportunity_id)
    if upload is None:
        raise InvalidInput({"file": [_("Choose a file to attach.")]})
    size = upload.size or 0
    if size > max_bytes():
        raise InvalidInput({"file": [too_large_message()]})
    if size == 0:
        raise InvalidInput({"file": [_("The file is empty.")]})
    document = Document(
        company_id=opportunity.company_id,
        opportunity_id=opportunity.pk,
        original_name=clean_name(upload.name),
        size=size,
        content_type=_content_type(getattr(upload, "content_type", "")),
        uploaded_by=user,
    )
    # The name given is ignored by `storage_name`; the stored name is generated.
    document.file.save(FALLBACK_NAME, upload, save=False)
    stored = document.file.name
    try:
        document.save()
    except Exception:
        # The row could not be written: the file written above must not stay behind.
        if stored:
            document.file.storage.delete(stored)
        raise
    return document


@transaction.atomic
def document_delete(*, user: Collaborator, document_id: int) -> None:
    """Removes a document; its file goes once the removal is committed."""
    document = access.get(user, Document, document_id, for_update=True)
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        # Robust: once the row is gone the removal has happened; a store out of reach leaves
        # an object nothing names (logged), not an error for a change already committed.
        transaction.on_commit(lambda: storage.delete(name), robust=True)
