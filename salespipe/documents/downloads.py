"""A stored document sent back to its user (SPEC S5), by the sheet and the API alike."""

from django.http import FileResponse, Http404

from salespipe.documents.models import Document


def attachment_response(document: Document) -> FileResponse:
    """The file, always as an attachment of a neutral type: a browser never renders what a
    user uploaded. A file missing from the storage is not found (404)."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(document.original_name) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response
