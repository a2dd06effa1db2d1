"""Private files (ID photos, declaration PDFs, draft photos) in a bucket of an S3-compatible
object store, the storage every node shares when PRIVATE_STORAGE_BUCKET is set (settings;
README, "Private files on object storage"). Named only by the settings' STORAGES.

The objects stay private: no ACL is sent (an object belongs to the bucket's owner and is
readable only with its keys), no URL is ever made (url() refuses, as the local storage
does: the portal serves a file only through a view that checks who asks), and reads are
streamed from the store's answer instead of downloaded whole first (what S3File does,
into memory unless told otherwise)."""
import datetime
import posixpath
from collections.abc import Iterator

from botocore.config import Config
from botocore.exceptions import ClientError
from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# A request never waits minutes on an unreachable store: connect within 3 s, a read
# stalled for 20 s fails (the photo or PDF page answers 500, a task retries).
_TIMEOUTS = {"connect_timeout": 3, "read_timeout": 20,
             "retries": {"max_attempts": 3, "mode": "standard"}}


def _not_found(error: ClientError) -> bool:
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404


class StoredObjectReader(File):
    """An object opened for reading: its body comes off the connection as it is read
    (FileResponse sends it on in blocks; an e-mail attachment reads it whole), so serving
    a PDF or photo holds one block in memory, not the file."""

    def __init__(self, storage: "PrivateS3Storage", name: str, key: str) -> None:
        self._storage = storage
        self._key = key
        self._closed = True
        self.name = name
        super().__init__(self._fetch(), name)

    def _fetch(self):
        client = self._storage.connection.meta.client
        try:
            answer = client.get_object(Bucket=self._storage.bucket_name, Key=self._key)
        except ClientError as error:
            if _not_found(error):
                raise FileNotFoundError(f"No such object: {self.name}") from None
            raise
        self.size = answer["ContentLength"]
        self.content_type = answer.get("ContentType", "")
        self._closed = False
        return answer["Body"]

    @property
    def closed(self) -> bool:
        # botocore's StreamingBody.close() does not mark it closed.
        return self._closed

    def seekable(self) -> bool:
        return False

    def open(self, mode: str | None = None) -> "StoredObjectReader":
        """Read again from the start (a new request: the body cannot seek back)."""
        if mode not in (None, "rb"):
            raise ValueError("A stored object opens for reading in 'rb' mode only.")
        self.close()
        self.file = self._fetch()
        return self

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.file.close()


class PrivateS3Storage(S3Storage):
    """django-storages' S3 backend with the portal's privacy rules and streamed reads.

    Settings (OPTIONS) may override these defaults; a `client_config` given there replaces
    the timeouts too."""

    def get_default_settings(self) -> dict:
        return {
            **super().get_default_settings(),
            # No x-amz-acl header: objects get the bucket's default, owner-only (a "public-read"
            # would be a leak; some stores refuse any ACL header on buckets without ACLs).
            "default_acl": None,
            "querystring_auth": True,
            # Names are random; never overwrite one that exists anyway (a HEAD per save).
            "file_overwrite": False,
            # S3File (text or write mode only here) spools to disk past 1 MiB.
            "max_memory_size": 1024 * 1024,
        }

    def __init__(self, **settings) -> None:
        own_config = "client_config" in settings
        super().__init__(**settings)
        if not own_config:
            self.client_config = self.client_config.merge(Config(
                **_TIMEOUTS,
                # Checksums only where S3 requires them: several S3-compatible stores
                # (older MinIO, Ceph RGW) refuse the CRC headers botocore sends by default.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ))

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        raise ValueError("Private files have no URL: a view that checks who asks serves them.")

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode != "rb":
            return super()._open(name, mode)
        return StoredObjectReader(self, name, self._normalize_name(clean_name(name)))

    def files_modified(self, path: str) -> Iterator[tuple[str, datetime.datetime]]:
        """(name relative to `path`, last modified) of the files directly under `path`,
        from the listing itself: one request per 1,000 objects, not a HEAD for each."""
        prefix = self._normalize_name(clean_name(path)).rstrip("/") + "/"
        paginator = self.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket_name, Prefix=prefix, Delimiter="/"):
            for entry in page.get("Contents", ()):
                if entry["Key"] != prefix:
                    yield posixpath.relpath(entry["Key"], prefix), entry["LastModified"]
