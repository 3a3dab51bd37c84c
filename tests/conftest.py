from collections.abc import Iterator

import pytest
from django.test import Client, RequestFactory

from salespipe.customers.models import Account
from salespipe.documents.storage import document_storage
from salespipe.test import PASSWORD, World, make_account, make_world
from tests.object_store import Bucket, moto_server, new_bucket


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def accounts(world: World) -> dict[str, Account]:
    """Two more accounts of company A: one found by every search key, and a closed one."""
    return {
        "eclair": make_account(
            world.company_a,
            "Épicerie Éclair",
            siren="443061841",
            phone="+33 4 72 00 00 00",
            email="hello@eclair.example",
        ),
        "closed": make_account(world.company_a, "Boucherie Fermée", is_closed=True),
    }


def _client_for(user) -> Client:
    client = Client()
    # django-axes counts logins per address: a login names the request it comes with.
    assert client.login(
        request=RequestFactory().post("/login/"), username=user.username, password=PASSWORD
    )
    return client


@pytest.fixture
def alice_client(world: World) -> Client:
    return _client_for(world.alice)


@pytest.fixture
def bob_client(world: World) -> Client:
    return _client_for(world.bob)


@pytest.fixture
def charlie_client(world: World) -> Client:
    return _client_for(world.charlie)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _prepared_reads_checked(settings):
    # Every prepared read is built again and compared: a key that misses an input fails here.
    settings.PREPARED_READS_CHECK = True


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # Pages name static files; tests run without the collectstatic step that builds a manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    # The product's default language is French; tests read English texts unless they ask for
    # French (Accept-Language, a user's language, or translation.override).
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible store, started once per test process."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_bucket(s3_endpoint: str, settings) -> Bucket:
    """A new, empty bucket, where the documents of this test are stored, configured from the
    same environment variables as in production."""
    bucket = new_bucket(s3_endpoint)
    # Changing STORAGES drops the storages Django had made, so the next use builds this one.
    settings.STORAGES = {**settings.STORAGES, "default": document_storage(bucket.environ())}
    return bucket
