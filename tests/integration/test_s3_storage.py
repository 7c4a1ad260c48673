"""The s3 store against a local server speaking the S3 protocol (moto's, over HTTP):
the same protocol as the filesystem store, a bounded local cache, presigned downloads,
and integrity checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Route

from backoffice.storage import (
    FileSystemStorage,
    ObjectMissing,
    Storage,
    StorageError,
)
from backoffice.storage import cache as cache_module
from backoffice.storage.cache import ReadThroughCache
from backoffice.storage.s3 import S3Storage
from backoffice.web.downloads import stored_file


@pytest.fixture
def bucket(s3_server, monkeypatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret_key)
    return s3_server.new_bucket()


def s3_store(s3_server, bucket: str, cache_dir: Path, *, prefix: str = "books/",
             cache_bytes: int = 1 << 30, presign: int = 0) -> S3Storage:
    """One machine's view of the bucket: its own cache folder."""
    return S3Storage(bucket=bucket, prefix=prefix, endpoint_url=s3_server.endpoint,
                     region="us-east-1", cache=ReadThroughCache(cache_dir, cache_bytes),
                     presign_seconds=presign)


@pytest.mark.parametrize("kind", ["filesystem", "s3"])
def test_both_stores_keep_the_same_promises(kind: str, s3_server, bucket: str,
                                            tmp_path: Path) -> None:
    store: Storage = (FileSystemStorage(tmp_path / "files") if kind == "filesystem"
                      else s3_store(s3_server, bucket, tmp_path / "cache"))
    key = store.put(b"\x89PNG page", ".png")
    assert key == hashlib.sha256(b"\x89PNG page").hexdigest() + ".png"
    assert store.put(b"\x89PNG page", ".png") == key
    assert store.exists(key) and store.get(key) == b"\x89PNG page"
    assert store.path(key).read_bytes() == b"\x89PNG page"
    assert store.sha256(key) == key.removesuffix(".png")
    stream = store.open(key)
    assert stream.size == 9 and b"".join(stream.chunks) == b"\x89PNG page"

    derived = "ab" * 32 + ".pdf"
    calls: list[Path] = []
    store.put_file(derived, lambda tmp: (calls.append(tmp), tmp.write_bytes(b"%PDF-1")))
    store.put_file(derived, calls.append)  # already stored: not built again
    assert len(calls) == 1 and store.get(derived) == b"%PDF-1"
    store.put_file(derived, lambda tmp: tmp.write_bytes(b"%PDF-2"), replace=True)
    assert store.get(derived) == b"%PDF-2"
    assert sorted(store.keys()) == sorted([key, derived])

    missing = "cd" * 32 + ".png"
    assert not store.exists(missing) and store.sha256(missing) is None
    for read in (store.get, store.path, store.open):
        with pytest.raises(ObjectMissing):
            read(missing)
    with pytest.raises(ValueError):
        store.put_file("../etc/passwd.png", lambda tmp: None)


def test_a_page_stored_by_one_machine_is_read_by_another(s3_server, bucket: str,
                                                        tmp_path: Path) -> None:
    worker = s3_store(s3_server, bucket, tmp_path / "worker" / "cache")
    web = s3_store(s3_server, bucket, tmp_path / "web" / "cache")
    key = worker.put(b"drawn on the worker", ".png")
    assert not list((tmp_path / "web").rglob("*.png"))
    local = web.path(key)
    assert local.is_relative_to(tmp_path / "web") and local.read_bytes() == b"drawn on the worker"
    # Objects live under the prefix, and record their sha256 for later checks.
    head = s3_server.client().head_object(Bucket=bucket, Key="books/" + key)
    assert head["Metadata"]["sha256"] == key.removesuffix(".png")
    assert head["ContentType"] == "image/png"


def test_damaged_bytes_are_refused_not_cached(s3_server, bucket: str, tmp_path: Path) -> None:
    store = s3_store(s3_server, bucket, tmp_path / "cache")
    key = hashlib.sha256(b"the original").hexdigest() + ".png"
    s3_server.client().put_object(Bucket=bucket, Key="books/" + key, Body=b"bit rot",
                                  Metadata={"sha256": key.removesuffix(".png")})
    with pytest.raises(StorageError, match="do not match"):
        store.path(key)
    assert not list((tmp_path / "cache").rglob("*.png"))


def test_the_cache_stays_within_its_bound(s3_server, bucket: str, tmp_path: Path,
                                          monkeypatch) -> None:
    monkeypatch.setattr(cache_module, "IN_USE_SECONDS", 0.0)
    store = s3_store(s3_server, bucket, tmp_path / "cache", cache_bytes=25_000)
    keys = [store.put(bytes([i]) * 10_000, ".png") for i in range(6)]
    cached = sum(f.stat().st_size for f in (tmp_path / "cache").rglob("*.png"))
    assert cached <= 25_000
    # Evicted copies are fetched again from the bucket.
    assert all(store.get(key) == bytes([i]) * 10_000 for i, key in enumerate(keys))


def test_files_in_use_are_not_evicted(s3_server, bucket: str, tmp_path: Path) -> None:
    """A builder holding a whole book's page paths keeps them all, past the bound."""
    store = s3_store(s3_server, bucket, tmp_path / "cache", cache_bytes=25_000)
    paths = [store.path(store.put(bytes([i]) * 10_000, ".png")) for i in range(6)]
    assert all(path.is_file() for path in paths)


def _download_app(store: Storage, key: str) -> Starlette:
    def download(request):
        return stored_file(store, key, disposition='attachment; filename="book-kdp.zip"')

    return Starlette(routes=[Route("/download", download)])


def test_downloads_stream_or_redirect_to_a_presigned_url(s3_server, bucket: str,
                                                         tmp_path: Path) -> None:
    data = b"PK zip bytes " * 50_000
    streamed = s3_store(s3_server, bucket, tmp_path / "a")
    key = hashlib.sha256(b"bundle inputs").hexdigest() + ".zip"
    streamed.put_file(key, lambda tmp: tmp.write_bytes(data))

    # Another machine, nothing cached: streamed from the bucket through the app.
    reader = s3_store(s3_server, bucket, tmp_path / "b")
    response = TestClient(_download_app(reader, key)).get("/download")
    assert response.status_code == 200 and response.content == data
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    assert not list((tmp_path / "b").rglob("*.zip"))

    presigned = s3_store(s3_server, bucket, tmp_path / "c", presign=60)
    response = TestClient(_download_app(presigned, key)).get("/download",
                                                           follow_redirects=False)
    assert response.status_code == 307
    direct = httpx.get(response.headers["location"])
    assert direct.status_code == 200 and direct.content == data
    assert direct.headers["content-disposition"] == 'attachment; filename="book-kdp.zip"'
    assert direct.headers["content-type"] == "application/zip"
