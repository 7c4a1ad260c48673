"""The `s3` store: objects in a bucket of any S3-compatible service (AWS S3, MinIO,
Cloudflare R2, Backblaze B2), so that a web server and workers on other machines, with no
shared disk, share every page and file.

Object names are <BACKOFFICE_S3_PREFIX><key>. Each object records the sha256 of its bytes
(metadata `sha256`) and is uploaded with its MD5 (Content-MD5), which the service checks.
Reads go through a bounded local cache (cache.py) because the builders need local files;
downloads stream from the cache or the bucket, or go to a presigned URL when configured.

Retries of failed calls happen in one place: botocore's standard retry mode (backoff on
throttling, 5xx and connection faults). What still fails becomes a StorageError.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from backoffice.storage.cache import ReadThroughCache
from backoffice.storage.filesystem import read_chunks
from backoffice.storage.protocol import (
    CHUNK_BYTES,
    MEDIA_TYPES,
    ObjectMissing,
    ObjectStream,
    StorageConfigError,
    StorageError,
    is_key,
    parse_key,
)

if TYPE_CHECKING:
    from backoffice.config import Settings

MB = 1024 * 1024
# botocore's retry attempts in all, its connect and read timeouts (seconds).
MAX_ATTEMPTS = 4
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 60
_MISSING = {"404", "NoSuchKey", "NotFound"}
_RETRYABLE = {"500", "502", "503", "504", "SlowDown", "RequestTimeout", "InternalError",
              "ServiceUnavailable", "RequestTimeTooSkewed"}


class S3Storage:
    kind = "s3"

    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, cache: ReadThroughCache,
                 presign_seconds: int = 0) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint_url = endpoint_url
        self.region = region
        self.cache = cache
        self.presign_seconds = presign_seconds
        self._client: Any = None

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        if not settings.s3_bucket:
            raise StorageConfigError("BACKOFFICE_S3_BUCKET: must be set when "
                                     "BACKOFFICE_STORAGE is s3")
        return cls(bucket=settings.s3_bucket, prefix=settings.s3_prefix,
                   endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
                   cache=ReadThroughCache(settings.data_dir / "cache" / "s3",
                                          int(settings.s3_cache_mb * MB)),
                   presign_seconds=settings.s3_presign_seconds)

    @property
    def client(self) -> Any:
        # Made on first use: a process that never touches storage (db status) pays nothing.
        if self._client is None:
            import boto3
            from botocore.config import Config

            config = Config(
                connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
                # Services beside AWS address buckets by path, and some refuse the
                # checksum headers that boto3 adds by default since 1.36.
                s3={"addressing_style": "path" if self.endpoint_url else "auto"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required")
            try:
                self._client = boto3.session.Session().client(
                    "s3", endpoint_url=self.endpoint_url, region_name=self.region,
                    config=config)
            except ValueError as exc:
                raise StorageConfigError(f"BACKOFFICE_S3_ENDPOINT_URL: {exc}") from None
        return self._client

    def _name(self, key: str) -> str:
        parse_key(key)
        return self.prefix + key

    # Writing -----------------------------------------------------------------------

    def put(self, data: bytes, suffix: str) -> str:
        key = hashlib.sha256(data).hexdigest() + suffix
        if not self.exists(key):
            # Kept in the cache too: the machine that drew a page often reads it next.
            self.cache.store(key, lambda tmp: tmp.write_bytes(data), self._uploader(key))
        return key

    def put_file(self, key: str, writer: Callable[[Path], object], *,
                 replace: bool = False) -> str:
        if replace or not self.exists(key):
            self.cache.store(key, writer, self._uploader(key))
        return key

    def _uploader(self, key: str) -> Callable[[Path], object]:
        return lambda tmp: self._upload(key, tmp)

    def _upload(self, key: str, source: Path) -> str:
        """PUT a local file (Content-MD5: the service refuses bytes damaged on the way);
        returns the sha256 recorded with it."""
        md5, sha256 = hashlib.md5(), hashlib.sha256()  # noqa: S324 (Content-MD5)
        for chunk in read_chunks(source):
            md5.update(chunk)
            sha256.update(chunk)
        with self._errors(key), source.open("rb") as body:
            self.client.put_object(
                Bucket=self.bucket, Key=self._name(key), Body=body,
                ContentType=MEDIA_TYPES[parse_key(key)[1]],
                ContentMD5=base64.b64encode(md5.digest()).decode(),
                Metadata={"sha256": sha256.hexdigest()})
        return sha256.hexdigest()

    def write_verified(self, key: str, source: Path, sha256: str) -> None:
        # Not through the cache: a whole installation copied must not fill this disk.
        if self._upload(key, source) != sha256:
            raise StorageError(f"{key}: the local file changed while it was copied",
                               retryable=True)
        digest = hashlib.sha256()
        for chunk in self._stream(key).chunks:
            digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise StorageError(f"{key}: the bytes read back from bucket {self.bucket!r} do "
                               "not match the original's sha256", retryable=True)

    # Reading -----------------------------------------------------------------------

    def exists(self, key: str) -> bool:
        if self.cache.lookup(key) is not None:
            return True  # objects are never deleted
        return self._head(key) is not None

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            with self._errors(key):
                head: dict[str, Any] = self.client.head_object(Bucket=self.bucket,
                                                               Key=self._name(key))
                return head
        except ObjectMissing:
            return None

    def path(self, key: str) -> Path:
        cached = self.cache.lookup(key)
        if cached is not None:
            return cached
        return self.cache.store(key, lambda tmp: self._download(key, tmp))

    def _download(self, key: str, target: Path) -> None:
        with self._errors(key):
            reply = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
            digest = hashlib.sha256()
            with target.open("wb") as out:
                for chunk in reply["Body"].iter_chunks(CHUNK_BYTES):
                    digest.update(chunk)
                    out.write(chunk)
        recorded = reply.get("Metadata", {}).get("sha256")
        if recorded and recorded != digest.hexdigest():
            raise StorageError(f"{key}: the bytes read from the bucket do not match their "
                               "recorded sha256", retryable=True)

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def open(self, key: str) -> ObjectStream:
        cached = self.cache.lookup(key)
        if cached is not None:
            return ObjectStream(cached.stat().st_size, read_chunks(cached))
        return self._stream(key)

    def _stream(self, key: str) -> ObjectStream:
        with self._errors(key):
            reply = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        return ObjectStream(int(reply["ContentLength"]), self._chunks(key, reply["Body"]))

    def _chunks(self, key: str, body: Any) -> Iterator[bytes]:
        try:
            with self._errors(key):
                yield from body.iter_chunks(CHUNK_BYTES)
        finally:
            body.close()

    def download_url(self, key: str, *, media_type: str, disposition: str) -> str | None:
        if not self.presign_seconds:
            return None
        with self._errors(key):
            url: str = self.client.generate_presigned_url(
                "get_object", ExpiresIn=self.presign_seconds,
                Params={"Bucket": self.bucket, "Key": self._name(key),
                        "ResponseContentType": media_type,
                        "ResponseContentDisposition": disposition,
                        "ResponseCacheControl": "no-store"})
        return url

    def sha256(self, key: str) -> str | None:
        head = self._head(key)
        if head is None:
            return None
        recorded = head.get("Metadata", {}).get("sha256")
        if recorded:
            return str(recorded)
        digest = hashlib.sha256()  # an object put there by another tool
        for chunk in self._stream(key).chunks:
            digest.update(chunk)
        return digest.hexdigest()

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        with self._errors(self.prefix or "/"):
            for page in pages:
                for item in page.get("Contents", []):
                    name = item["Key"][len(self.prefix):]
                    if is_key(name):
                        yield name

    # Start-up and errors -------------------------------------------------------------

    def check(self) -> None:
        """Reach the bucket, list it and write to it, so that a bad setting stops the
        start-up with its name rather than failing the first page."""
        from backoffice.storage.s3_check import check_bucket

        check_bucket(self)

    @contextmanager
    def _errors(self, key: str) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            _raise_client_error(exc, key)
        except BotoCoreError as exc:
            # Connection faults and timeouts, after botocore's own retries.
            raise StorageError(f"S3 storage: {exc}", retryable=_is_network(exc)) from exc


def _raise_client_error(exc: Any, key: str) -> NoReturn:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    if code in _MISSING:
        raise ObjectMissing(key) from None
    message = error.get("Message") or code
    raise StorageError(f"S3 storage ({code}): {message}",
                       retryable=code in _RETRYABLE) from exc


def _is_network(exc: Exception) -> bool:
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    return isinstance(exc, (BotoConnectionError, HTTPClientError))
