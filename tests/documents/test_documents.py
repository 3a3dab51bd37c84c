"""Documents of an opportunity: upload, download, removal, and what is never trusted (SPEC S5)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from salespipe.documents import services
from salespipe.documents.models import Document
from salespipe.lib.errors import InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.test import World
from tests.documents.conftest import SCRIPT, stored_files, upload


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("quote.pdf", "quote.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\marie\\Desktop\\devis final.docx", "devis final.docx"),
        ("evil\x00name\n.txt", "evilname.txt"),
        ("..", "document"),
        ("", "document"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_the_name_shown_is_the_files_own_name_without_any_folder(raw, clean):
    assert services.clean_name(raw) == clean


def test_an_upload_is_stored_under_a_generated_name_in_the_opportunitys_company(
    world: World, deal, bob_client: Client, settings
):
    """S5: the document belongs to the opportunity's company; the name on disk is ours."""
    response = upload(
        bob_client, deal, "../../secret/quote request.txt", b"two ovens", headers=SCRIPT
    )

    assert response.status_code == 200
    assert response["X-Fragment"] == "documents"
    assert "quote request.txt" in response.content.decode()
    document = Document.objects.get(opportunity=deal)
    assert document.company_id == world.company_a.pk
    assert document.original_name == "quote request.txt"
    assert document.size == 9
    assert document.content_type == "text/plain"
    assert document.uploaded_by_id == world.bob.pk
    stored_name = document.file.name or ""
    assert stored_name.startswith(f"documents/{world.company_a.pk}/")
    assert "quote" not in stored_name
    assert ".." not in stored_name
    [path] = stored_files(settings)
    assert path.read_bytes() == b"two ovens"
    assert path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_an_upload_over_the_limit_is_refused_and_nothing_is_stored(
    deal, bob_client: Client, settings
):
    """S5: the handler stops storing the file once it is too large; the user is told why."""
    settings.DOCUMENT_MAX_BYTES = 1000

    response = upload(bob_client, deal, "big.bin", b"x" * 5000, headers=SCRIPT)

    assert response.status_code == 413
    assert "larger than 1000" in response.content.decode().replace("\xa0", " ")
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_body_declared_far_over_the_limit_is_refused_before_it_is_read(
    deal, bob_client: Client, settings
):
    settings.DOCUMENT_MAX_BYTES = 10

    response = upload(bob_client, deal, "big.bin", b"x" * 200_000, headers=SCRIPT)

    assert response.status_code == 413
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_the_service_refuses_a_file_over_the_limit_or_empty_whatever_the_door(
    world: World, deal, settings
):
    settings.DOCUMENT_MAX_BYTES = 4
    for content in (b"12345", b""):
        with pytest.raises(InvalidInput):
            services.document_upload(
                user=world.bob,
                opportunity_id=deal.pk,
                upload=SimpleUploadedFile("a.txt", content),
            )
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_an_upload_without_the_csrf_token_is_refused(deal, world: World, settings):
    """The CSRF check runs inside the view, once the size handler is in place: still enforced."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bob)

    response = upload(client, deal, "a.txt", b"hello", headers=SCRIPT)

    assert response.status_code == 403
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_download_is_an_attachment_of_a_neutral_type(world: World, deal, bob_client: Client):
    """S5: a click downloads; the browser never renders what a user uploaded."""
    document = services.document_upload(
        user=world.bob,
        opportunity_id=deal.pk,
        upload=SimpleUploadedFile("page.html", b"<script>alert(1)</script>", "text/html"),
    )

    response = bob_client.get(f"/documents/{document.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue() == b"<script>alert(1)</script>"


def test_a_removed_document_loses_its_row_and_its_file(
    world: World, deal, bob_client: Client, settings, django_capture_on_commit_callbacks
):
    document = services.document_upload(
        user=world.bob, opportunity_id=deal.pk, upload=SimpleUploadedFile("a.txt", b"hello")
    )
    assert len(stored_files(settings)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = bob_client.post(f"/documents/{document.pk}/delete/", headers=SCRIPT)

    assert response.status_code == 200
    assert "a.txt" not in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_charlie_gets_404_for_the_documents_of_company_a(
    world: World, deal, charlie_client: Client, settings
):
    """P8: list, upload, download and removal answer as for an id that does not exist."""
    document = services.document_upload(
        user=world.bob, opportunity_id=deal.pk, upload=SimpleUploadedFile("a.txt", b"hello")
    )

    assert (
        charlie_client.get(f"/opportunities/{deal.pk}/documents/", headers=SCRIPT).status_code
        == 404
    )
    assert upload(charlie_client, deal, "b.txt", b"intruder", headers=SCRIPT).status_code == 404
    assert charlie_client.get(f"/documents/{document.pk}/download/").status_code == 404
    assert (
        charlie_client.post(f"/documents/{document.pk}/delete/", headers=SCRIPT).status_code == 404
    )
    assert list(Document.objects.values_list("original_name", flat=True)) == ["a.txt"]
    assert len(stored_files(settings)) == 1
    with pytest.raises(OutOfScope):
        services.document_get(user=world.charlie, document_id=document.pk)
