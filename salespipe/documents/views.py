"""The *Documents* tab of the sheet (SPEC S5): upload, list, download, remove.

Uploads are limited to `settings.DOCUMENT_MAX_BYTES`. A request that declares a larger
body is refused before it is read; otherwise an upload handler stops storing the file as
soon as it grows past the limit, so a large file never fills the disk or the memory.
For that handler to be in place before the body is read, the CSRF check runs inside the
view (`csrf_protect` on the inner function, as Django's documentation shows for upload
handlers) instead of in the middleware.

Every answer to a request of the sheet's script is the tab drawn again (`X-Fragment:
documents`), with the error if any; a plain form post is sent back to the sheet.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from salespipe.documents import services
from salespipe.documents.downloads import attachment_response
from salespipe.documents.services import OpportunityRef, max_bytes, too_large_message
from salespipe.documents.uploads import SizeLimitHandler, limit_upload_size
from salespipe.lib.errors import InvalidInput
from salespipe.web.http import AuthedRequest
from salespipe.web.lookups import from_script

FRAGMENT_HEADER = "X-Fragment"
# What a multipart body may hold beside the file itself: boundaries, headers, the token.
MULTIPART_SLACK = 64 * 1024


def _sheet_url(opportunity: OpportunityRef) -> str:
    return reverse("pipeline:opportunity", args=[opportunity.pk]) + "?tab=documents"


def _answer(
    request: AuthedRequest, opportunity: OpportunityRef, *, error: str = "", status: int = 200
) -> HttpResponse:
    if not from_script(request):
        if error:
            messages.error(request, error)
        return redirect(_sheet_url(opportunity))
    context = {
        "opportunity": opportunity,
        "documents": services.documents_of(request.user, opportunity),
        "max_bytes": max_bytes(),
        "error": error,
    }
    response = render(request, "documents/_documents.html", {"t": context}, status=status)
    response[FRAGMENT_HEADER] = "documents"
    return response


def _declared_length(request: AuthedRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def documents(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the tab. POST: a file attached to the opportunity (the field is `file`)."""
    opportunity = services.document_opportunity(request.user, pk)
    if request.method == "GET":
        return _answer(request, opportunity)
    if _declared_length(request) > max_bytes() + MULTIPART_SLACK:
        return _answer(request, opportunity, error=too_large_message(), status=413)
    handler = limit_upload_size(request)
    return _upload(request, opportunity, handler)


@csrf_protect
def _upload(
    request: AuthedRequest, opportunity: OpportunityRef, handler: SizeLimitHandler
) -> HttpResponse:
    upload = request.FILES.get("file")
    if handler.exceeded:
        return _answer(request, opportunity, error=too_large_message(), status=413)
    try:
        services.document_upload(user=request.user, opportunity_id=opportunity.pk, upload=upload)
    except InvalidInput as exc:
        return _answer(
            request, opportunity, error=" ".join(exc.errors.get("file", [str(exc)])), status=422
        )
    return _answer(request, opportunity)


@login_required
@require_GET
def download(request: AuthedRequest, pk: int) -> FileResponse:
    """The file, always as an attachment of a neutral type: a browser never renders it."""
    document = services.document_get(user=request.user, document_id=pk)
    return attachment_response(document)


@login_required
@require_POST
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Removes a document (the sheet asks for a confirmation first)."""
    document = services.document_get(user=request.user, document_id=pk)
    opportunity = services.document_opportunity(request.user, document.opportunity_id)
    services.document_delete(user=request.user, document_id=document.pk)
    return _answer(request, opportunity)
