"""A local S3-compatible store for the tests: moto's server on a free port of 127.0.0.1.

The app reaches it over HTTP through django-storages, exactly as it would reach MinIO or AWS;
the tests look into its buckets with a boto3 client of their own.
"""

import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

REGION = "eu-west-3"
# moto accepts any credentials; the app must send these, the anonymous requests none.
ACCESS_KEY_ID = "salespipe-tests"
SECRET_ACCESS_KEY = "salespipe-tests-secret"


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's S3 server, running in a thread while the block lasts; yields its address."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@dataclass(frozen=True)
class Bucket:
    endpoint: str
    name: str
    prefix: str
    client: Any

    def environ(self) -> dict[str, str]:
        """The settings' environment variables that store the documents in this bucket."""
        return {
            "S3_BUCKET": self.name,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "S3_PREFIX": self.prefix,
        }

    def key(self, stored_name: str | None) -> str:
        """The object key of a document's stored name."""
        assert stored_name, "the document has no stored file"
        return f"{self.prefix}/{stored_name}"

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(entry["Key"] for entry in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        data: bytes = self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return data

    def public_grants(self, key: str) -> list[dict[str, Any]]:
        """The grants of the object's ACL to anyone beyond its owner's account."""
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return [grant for grant in grants if grant["Grantee"].get("Type") == "Group"]

    def anonymous_get(self, key: str) -> int:
        """The status the store answers an unsigned GET of the object with."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{self.name}/{key}", timeout=10) as got:
                return int(got.status)
        except urllib.error.HTTPError as refused:
            return refused.code


def new_bucket(endpoint: str) -> Bucket:
    """A new, empty bucket of the store at `endpoint`, its documents under a prefix."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )
    name = f"salespipe-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return Bucket(endpoint, name, "salespipe", client)
