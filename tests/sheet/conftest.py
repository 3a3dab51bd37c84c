import pytest


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
