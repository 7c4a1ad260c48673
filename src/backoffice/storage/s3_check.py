"""The s3 store's start-up check: each way a bucket can be unusable is said in one line
that names the setting to fix (exit 2 in the CLI)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from backoffice.storage.protocol import StorageConfigError

if TYPE_CHECKING:
    from backoffice.storage.s3 import S3Storage

# Written at every start: proves the credentials may write. Not a key, so never listed.
PROBE_NAME = "backoffice-write-check"
CREDENTIALS = "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"


def check_bucket(store: S3Storage) -> None:
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    where = store.endpoint_url or "AWS S3"
    try:
        client = store.client
        client.head_bucket(Bucket=store.bucket)
        client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix, MaxKeys=1)
        body = b"backoffice"
        client.put_object(Bucket=store.bucket, Key=store.prefix + PROBE_NAME, Body=body,
                          Metadata={"sha256": hashlib.sha256(body).hexdigest()})
    except (NoCredentialsError, PartialCredentialsError):
        raise StorageConfigError(
            f"{CREDENTIALS}: no S3 credentials found (set them, or AWS_PROFILE)"
        ) from None
    except EndpointConnectionError:
        raise StorageConfigError(
            f"BACKOFFICE_S3_ENDPOINT_URL: cannot reach {where} (is the address right and "
            "the service running?)") from None
    except ClientError as exc:
        raise StorageConfigError(_refusal(store, exc, where)) from None
    except BotoCoreError as exc:
        raise StorageConfigError(f"BACKOFFICE_S3_ENDPOINT_URL: {where}: {exc}") from None


def _refusal(store: S3Storage, exc: Any, where: str, *, ask_listing: bool = True) -> str:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    bucket = store.bucket
    if code in ("404", "NoSuchBucket"):
        return f"BACKOFFICE_S3_BUCKET: there is no bucket {bucket!r} at {where}"
    if code in ("InvalidAccessKeyId", "InvalidClientTokenId"):
        return f"AWS_ACCESS_KEY_ID: {where} does not know this access key"
    if code == "SignatureDoesNotMatch":
        return "AWS_SECRET_ACCESS_KEY: does not match the access key AWS_ACCESS_KEY_ID"
    if code in ("301", "PermanentRedirect", "AuthorizationHeaderMalformed",
                "IllegalLocationConstraintException"):
        region = exc.response.get("ResponseMetadata", {}).get(
            "HTTPHeaders", {}).get("x-amz-bucket-region")
        hint = f" (the bucket is in {region})" if region else ""
        return f"BACKOFFICE_S3_REGION: wrong region for bucket {bucket!r}{hint}"
    if code in ("403", "AccessDenied", "Forbidden") or status == 403:
        # HEAD answers carry no reason: ask a listing for one.
        detail = _listing_refusal(store, where) if ask_listing else None
        if detail:
            return detail
        return (f"{CREDENTIALS}: these credentials may not read and write bucket {bucket!r} "
                f"at {where} (access denied)")
    message = error.get("Message") or code or str(exc)
    return f"BACKOFFICE_S3_BUCKET: {where} refused bucket {bucket!r}: {message}"


def _listing_refusal(store: S3Storage, where: str) -> str | None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        store.client.list_objects_v2(Bucket=store.bucket, MaxKeys=1)
    except ClientError as exc:
        return _refusal(store, exc, where, ask_listing=False)
    except BotoCoreError:
        return None
    return None
