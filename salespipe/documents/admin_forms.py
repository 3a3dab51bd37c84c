"""The document form of the configuration screens: a file for an opportunity, size-checked."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from salespipe.documents.models import Document


class DocumentForm(forms.ModelForm[Document]):
    class Meta:
        model = Document
        fields = ["opportunity", "file"]

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        limit = settings.DOCUMENT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s."),
                params={"limit": filesizeformat(limit)},
            )
        return upload
