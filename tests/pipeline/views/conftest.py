import pytest


@pytest.fixture(autouse=True)
def _media_of_the_test(settings, tmp_path):
    # Uploaded files go to a folder of the test's own.
    settings.MEDIA_ROOT = tmp_path / "media"
