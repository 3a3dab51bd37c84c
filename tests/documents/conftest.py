"""What the documents' tests share: an opportunity of company A, and uploads through the sheet."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from salespipe.test import World, make_opportunity

# The header of the sheet's own requests, answered with the tab drawn again.
SCRIPT = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _plain_static_files_and_media(settings, tmp_path):
    # Pages name static files, and tests run without a collectstatic step to build a manifest;
    # uploaded files go to a folder of the test's own.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Assertions read English; a browser without a preference would get the French default.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def deal(world: World):
    return make_opportunity(world.portfolio_a, account=world.account_a, name="Bakery ovens")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(client: Client, deal, name: str, content: bytes, headers=SCRIPT):
    return client.post(
        f"/opportunities/{deal.pk}/documents/",
        {"file": SimpleUploadedFile(name, content, content_type="text/plain")},
        headers=headers,
    )
