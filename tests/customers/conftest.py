import pytest


@pytest.fixture(autouse=True)
def _plain_static_files_in_english(settings):
    # Pages name static files, and tests run without a collectstatic step to build a manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Assertions read English; a browser without a preference would get the French default.
    settings.LANGUAGE_CODE = "en"
