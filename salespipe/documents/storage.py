"""Where the documents' files live (SPEC S5; B21): a folder, or a bucket every server shares.

By default they are under `MEDIA_ROOT`, which is all one server needs. With `S3_BUCKET` set
they go to that bucket of an S3-compatible store (AWS S3, MinIO, Ceph, Garage…) through
django-storages, so that several app servers share nothing but the database and the bucket.

The bucket is private, and so is every object in it: users never reach the store. They read a
document through the app's download view, after its access check, which reads the object
with the app's own credentials and sends it on.

The settings read this module before Django is set up: it imports nothing of the project.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
S3_VARIABLES = (
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_PREFIX",
)
# A file read from the bucket waits in memory up to this size, on disk beyond it, as an
# upload does (Django's FILE_UPLOAD_MAX_MEMORY_SIZE): a large download never fills the memory.
READ_BUFFER_BYTES = 2_621_440
# No page or answer links to an object, so no signed address should ever be made; if one is,
# it opens nothing for longer than this.
SIGNED_URL_SECONDS = 60


def document_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    """`STORAGES["default"]`, the storage of the documents' `FileField`, from the environment."""
    given = {name: environ.get(name, "").strip() for name in S3_VARIABLES}
    if given["S3_BUCKET"]:
        return {"BACKEND": S3_BACKEND, "OPTIONS": _s3_options(given)}
    stray = [name for name, value in given.items() if value]
    if stray:
        # Without the bucket each server would keep its own documents: refuse to start.
        raise ImproperlyConfigured(
            f"{', '.join(stray)} set without S3_BUCKET: the documents would stay on this "
            "server's disk. Set S3_BUCKET as well, or unset them."
        )
    return {"BACKEND": FILESYSTEM_BACKEND}


def _s3_options(given: Mapping[str, str]) -> dict[str, Any]:
    """django-storages' options for the bucket; what is not given is boto3's to find."""
    endpoint, region = given["S3_ENDPOINT_URL"], given["S3_REGION"]
    key_id, secret = given["S3_ACCESS_KEY_ID"], given["S3_SECRET_ACCESS_KEY"]
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured(
            "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither to "
            "let boto3 find credentials itself (AWS_* variables, ~/.aws, an instance role)."
        )
    if endpoint and not endpoint.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"S3_ENDPOINT_URL must be an http:// or https:// address, not {endpoint!r}."
        )
    options: dict[str, Any] = {
        "bucket_name": given["S3_BUCKET"],
        "location": given["S3_PREFIX"].strip("/"),
        # No ACL is sent, so each object has the store's default one: private, its owner's
        # alone. Buckets whose ACLs are disabled (AWS's default) refuse most others anyway.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": SIGNED_URL_SECONDS,
        # The type a user declared is not trusted (see services): should an object ever be
        # fetched from the store directly, it too comes as a download of a neutral type.
        "object_parameters": {
            "ContentType": "application/octet-stream",
            "ContentDisposition": "attachment",
        },
        # Stored names are generated and never reused; a restore writes each one back as is.
        "file_overwrite": True,
        "max_memory_size": READ_BUFFER_BYTES,
    }
    if endpoint:
        options["endpoint_url"] = endpoint
        # MinIO, Ceph, moto… serve buckets under the path; a bucket host name needs DNS.
        options["addressing_style"] = "path"
    if region:
        options["region_name"] = region
    if key_id:
        options["access_key"], options["secret_key"] = key_id, secret
    return options
