"""Documents in the configuration screens: a tester may attach a file to an opportunity."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from salespipe.documents.admin_forms import DocumentForm
from salespipe.documents.models import Document
from salespipe.documents.services import clean_name, document_delete
from salespipe.org.admin_scope import ScopedAdmin, staff

# What the page of a stored document shows, all read-only.
STORED = [
    "opportunity",
    "stored_file",
    "original_name",
    "company",
    "size_text",
    "content_type",
    "uploaded_by",
    "uploaded_at",
]


@admin.register(Document)
class DocumentAdmin(ScopedAdmin[Document]):
    form = DocumentForm
    list_display = ["original_name", "opportunity", "company", "size_text", "uploaded_at"]
    list_filter = [("company", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["opportunity", "company"]
    search_fields = ["original_name", "opportunity__name"]
    autocomplete_fields = ["opportunity"]

    def get_fields(self, request: HttpRequest, obj: Document | None = None) -> Any:
        return ["opportunity", "file"] if obj is None else STORED

    def get_readonly_fields(self, request: HttpRequest, obj: Document | None = None) -> Any:
        # Once stored, a document is what was uploaded: remove it and upload another instead.
        return [] if obj is None else STORED

    # Through the app's download view, with its access check and headers: the storage's own
    # address of the file would be a signed link straight into the bucket.
    @admin.display(description=_("file"))
    def stored_file(self, document: Document) -> str:
        url = reverse("documents:download", args=[document.pk])
        return format_html('<a href="{}" download>{}</a>', url, document.original_name)

    @admin.display(description=_("size"), ordering="size")
    def size_text(self, document: Document) -> str:
        return filesizeformat(document.size)

    # Removed through the service, which removes the stored file with the row (S5).
    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        document_delete(user=staff(request), document_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        for pk in queryset.values_list("pk", flat=True):
            document_delete(user=staff(request), document_id=pk)

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        if not change:
            upload = form.cleaned_data["file"]
            # SPEC S5: a document belongs to its opportunity's company.
            obj.company_id = obj.opportunity.company_id
            obj.original_name = clean_name(upload.name)
            obj.size = upload.size
            obj.content_type = (getattr(upload, "content_type", "") or "")[:120]
            obj.uploaded_by_id = request.user.pk
        super().save_model(request, obj, form, change)
