"""Documents in an S3-compatible bucket (B21, S5): shared by every app server,
private, and still read only through the app's download view and its access check.

The store is moto's server on 127.0.0.1, reached over HTTP as MinIO or AWS would be.
"""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from salespipe.documents import services
from salespipe.documents.models import Document
from salespipe.documents.storage import FILESYSTEM_BACKEND, S3_BACKEND, document_storage
from salespipe.test import World, make_user
from tests.api.conftest import bearer_client
from tests.documents.conftest import SCRIPT, stored_files, upload
from tests.object_store import Bucket


def test_an_upload_goes_to_the_bucket_and_comes_back_to_its_user_alone(
    world: World, deal, alice_client: Client, charlie_client: Client, s3_bucket: Bucket, settings
):
    response = upload(alice_client, deal, "offer.pdf", b"two deck ovens, 400 V")

    assert response.status_code == 200
    assert "offer.pdf" in response.content.decode()
    document = Document.objects.get(opportunity=deal)
    assert document.size == 21
    key = s3_bucket.key(document.file.name)
    assert s3_bucket.keys() == [key]
    assert key.startswith(f"salespipe/documents/{world.company_a.pk}/")
    assert s3_bucket.read(key) == b"two deck ovens, 400 V"
    # Nothing of it on this server's disk: another server reads the same bucket.
    assert stored_files(settings) == []

    download = alice_client.get(f"/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert download.getvalue() == b"two deck ovens, 400 V"
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="offer.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in download
    assert charlie_client.get(f"/documents/{document.pk}/download/").status_code == 404


def test_the_objects_are_private_and_keep_nothing_the_user_declared(
    world: World, deal, s3_bucket: Bucket
):
    document = services.document_upload(
        user=world.alice,
        opportunity_id=deal.pk,
        upload=SimpleUploadedFile("page.html", b"<script>alert(1)</script>", "text/html"),
    )
    key = s3_bucket.key(document.file.name)

    assert s3_bucket.anonymous_get(key) == 403
    assert s3_bucket.public_grants(key) == []
    stored = s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=key)
    assert stored["ContentType"] == "application/octet-stream"
    assert stored["ContentDisposition"] == "attachment"


def test_a_removed_document_loses_its_object(
    world: World, deal, alice_client: Client, s3_bucket: Bucket, django_capture_on_commit_callbacks
):
    kept = services.document_upload(
        user=world.alice, opportunity_id=deal.pk, upload=SimpleUploadedFile("kept.txt", b"1")
    )
    removed = services.document_upload(
        user=world.alice, opportunity_id=deal.pk, upload=SimpleUploadedFile("gone.txt", b"2")
    )
    assert len(s3_bucket.keys()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"/documents/{removed.pk}/delete/", headers=SCRIPT)

    assert response.status_code == 200
    assert list(Document.objects.values_list("pk", flat=True)) == [kept.pk]
    assert s3_bucket.keys() == [s3_bucket.key(kept.file.name)]


def test_a_file_over_the_limit_never_reaches_the_bucket(
    deal, alice_client: Client, s3_bucket: Bucket, settings
):
    settings.DOCUMENT_MAX_BYTES = 1000

    response = upload(alice_client, deal, "big.bin", b"x" * 5000)

    assert response.status_code == 413
    assert not Document.objects.exists()
    assert s3_bucket.keys() == []


def test_the_api_stores_in_the_bucket_and_reads_from_it(world: World, deal, s3_bucket: Bucket):
    alice_api, charlie_api = bearer_client(world.alice), bearer_client(world.charlie)
    base = f"/api/v1/opportunities/{deal.pk}/documents"

    created = alice_api.post(base, {"file": SimpleUploadedFile("notes.txt", b"call on Monday")})

    assert created.status_code == 201, created.json()
    document = Document.objects.get(pk=created.json()["id"])
    assert s3_bucket.read(s3_bucket.key(document.file.name)) == b"call on Monday"
    download = alice_api.get(f"{base}/{document.pk}/download")
    assert download.status_code == 200
    assert download.getvalue() == b"call on Monday"
    assert charlie_api.get(f"{base}/{document.pk}/download").status_code == 404


def test_a_document_whose_object_is_gone_is_not_found(
    world: World, deal, alice_client: Client, s3_bucket: Bucket
):
    document = services.document_upload(
        user=world.alice, opportunity_id=deal.pk, upload=SimpleUploadedFile("a.txt", b"hello")
    )
    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=s3_bucket.key(document.file.name))

    assert alice_client.get(f"/documents/{document.pk}/download/").status_code == 404


# --- the settings ------------------------------------------------------------------------


def test_without_a_bucket_the_documents_stay_under_media_root(settings, tmp_path: Path):
    assert document_storage({}) == {"BACKEND": FILESYSTEM_BACKEND}
    settings.STORAGES = {**settings.STORAGES, "default": document_storage({})}
    default_storage.save("documents/1/abc", SimpleUploadedFile("x", b"local"))
    assert (Path(settings.MEDIA_ROOT) / "documents/1/abc").read_bytes() == b"local"


def test_a_bucket_is_configured_with_only_what_is_given():
    storage = document_storage({"S3_BUCKET": "crm-documents", "S3_PREFIX": "/salespipe/"})

    assert storage["BACKEND"] == S3_BACKEND
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "crm-documents"
    assert options["location"] == "salespipe"
    # No ACL sent: the objects get the store's default, private one (checked in the bucket
    # above); anything sent could only be looser, or refused by a bucket without ACLs.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    # Nothing given, nothing set: boto3 finds the region and the credentials itself.
    assert not {"endpoint_url", "region_name", "access_key", "secret_key"} & options.keys()


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "S3_ENDPOINT_URL set without S3_BUCKET"),
        ({"S3_BUCKET": "b", "S3_ACCESS_KEY_ID": "id"}, "S3_SECRET_ACCESS_KEY go together"),
        ({"S3_BUCKET": "b", "S3_SECRET_ACCESS_KEY": "secret"}, "go together"),
        ({"S3_BUCKET": "b", "S3_ENDPOINT_URL": "127.0.0.1:9000"}, "http:// or https://"),
    ],
)
def test_an_incomplete_configuration_refuses_to_start(environ: dict[str, str], named: str):
    with pytest.raises(ImproperlyConfigured, match=named):
        document_storage(environ)


def test_the_admin_links_a_document_to_the_apps_download_never_to_the_bucket(
    world: World, deal, s3_bucket: Bucket
):
    document = services.document_upload(
        user=world.alice, opportunity_id=deal.pk, upload=SimpleUploadedFile("a.txt", b"hello")
    )
    admin = Client()
    admin.force_login(make_user("admin", is_staff=True, is_superuser=True))

    page = admin.get(f"/admin/documents/document/{document.pk}/change/").content.decode()

    assert f'href="/documents/{document.pk}/download/"' in page
    assert s3_bucket.name not in page
    assert "X-Amz-Signature" not in page
    assert admin.get(f"/documents/{document.pk}/download/").getvalue() == b"hello"
