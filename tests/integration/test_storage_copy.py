"""`backoffice storage copy`: an installation's files into a bucket and back, verified
by sha256, resumable, with a progress bar."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backoffice.storage import FileSystemStorage
from backoffice.storage.cache import ReadThroughCache
from backoffice.storage.copy import copy_objects
from backoffice.storage.s3 import S3Storage
from tests.fakes.s3 import ISOLATED_ENV


@pytest.fixture
def bucket(s3_server, monkeypatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret_key)
    return s3_server.new_bucket()


def _installation(root: Path) -> tuple[FileSystemStorage, dict[str, bytes]]:
    """A data folder as a running installation leaves it: pages, an upload, derived
    PDFs and a zip, and a temp file of a write that was killed."""
    store = FileSystemStorage(root / "files")
    objects = {store.put(f"page {i}".encode() * 1000, ".png"): f"page {i}".encode() * 1000
               for i in range(5)}
    objects[store.put(b"\xff\xd8 cmyk cover", ".jpg")] = b"\xff\xd8 cmyk cover"
    for name, data in (("interior", b"%PDF interior"), ("bundle", b"PK bundle")):
        suffix = ".pdf" if name == "interior" else ".zip"
        key = hashlib.sha256(f"inputs of {name}".encode()).hexdigest() + suffix
        store.put_file(key, lambda tmp, data=data: tmp.write_bytes(data))
        objects[key] = data
    (root / "files" / "ab").mkdir(exist_ok=True)
    (root / "files" / "ab" / "tmpk1ll3d.tmp.png").write_bytes(b"half a pa")
    return store, objects


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BACKOFFICE_"))}
    return subprocess.run([sys.executable, "-m", "backoffice", "storage", *args],
                          env={**base, **ISOLATED_ENV, **env}, capture_output=True,
                          text=True, timeout=300)


def test_copy_to_s3_and_back_verified_and_resumable(s3_server, bucket: str,
                                                    tmp_path: Path) -> None:
    _, objects = _installation(tmp_path / "old")
    env = {**s3_server.env(bucket), "BACKOFFICE_STORAGE": "filesystem",
           "BACKOFFICE_DATA_DIR": str(tmp_path / "old")}

    first = _run(env, "copy", "--to", "s3")
    assert first.returncode == 0, first.stderr
    assert "8 objects: 8 copied" in first.stdout
    assert "6 images and uploads whose bytes match their name, 2 derived files" in first.stdout
    assert "copying" in first.stderr and "8/8" in first.stderr  # the progress bar
    client = s3_server.client()
    for key, data in objects.items():
        assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == data
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert len(listed) == 9  # the 8 objects and the start-up check's probe, no temp file

    again = _run(env, "copy", "--to", "s3")
    assert again.returncode == 0 and "0 copied (0.0 MB), 8 already there" in again.stdout

    # Back into the empty data folder of a machine that never had the files.
    back = _run({**env, "BACKOFFICE_DATA_DIR": str(tmp_path / "new")}, "copy", "--to",
                "filesystem")
    assert back.returncode == 0 and "8 objects: 8 copied" in back.stdout, back.stderr
    restored = FileSystemStorage(tmp_path / "new" / "files")
    stored = list(restored.keys())
    assert {key: restored.get(key) for key in stored} == objects


def test_an_interrupted_copy_resumes_and_damage_is_replaced(s3_server, bucket: str,
                                                            tmp_path: Path) -> None:
    source, objects = _installation(tmp_path / "old")
    target = S3Storage(bucket=bucket, endpoint_url=s3_server.endpoint, region="us-east-1",
                       cache=ReadThroughCache(tmp_path / "cache", 1 << 20))
    keys = sorted(objects)
    # As if stopped after three objects, and one object at the target is damaged.
    for key in keys[:3]:
        target.write_verified(key, source.path(key), source.sha256(key) or "")
    damaged = keys[0]
    s3_server.client().put_object(Bucket=bucket, Key=damaged, Body=b"damaged",
                                  Metadata={"sha256": hashlib.sha256(b"damaged").hexdigest()})
    seen: list[tuple[int, int]] = []
    report = copy_objects(source, target, workdir=tmp_path / "work",
                          on_progress=lambda done, total, _b, _k: seen.append((done, total)))
    assert (report.total, report.copied, report.already_there) == (8, 6, 2)
    assert not report.failed and seen[-1] == (8, 8)
    # The copy went around this machine's cache: a whole installation must not fill it.
    assert not list((tmp_path / "cache").rglob("*.*"))
    assert target.get(damaged) == objects[damaged]


def test_a_damaged_source_object_is_reported_not_copied(s3_server, bucket: str,
                                                        tmp_path: Path) -> None:
    client = s3_server.client()
    good = hashlib.sha256(b"fine page").hexdigest() + ".png"
    client.put_object(Bucket=bucket, Key=good, Body=b"fine page",
                      Metadata={"sha256": good.removesuffix(".png")})
    rotten = hashlib.sha256(b"original page").hexdigest() + ".png"
    client.put_object(Bucket=bucket, Key=rotten, Body=b"bit rot",
                      Metadata={"sha256": rotten.removesuffix(".png")})
    env = {**s3_server.env(bucket), "BACKOFFICE_DATA_DIR": str(tmp_path / "new")}
    result = _run(env, "copy", "--to", "filesystem")
    assert result.returncode == 1
    assert f"FAILED {rotten}: the source's bytes do not match their recorded sha256" \
        in result.stderr
    assert "1 objects were not copied; run the same command again" in result.stderr
    restored = FileSystemStorage(tmp_path / "new" / "files")
    assert list(restored.keys()) == [good]


def test_copy_refuses_bad_settings_naming_them(s3_server, tmp_path: Path) -> None:
    env = {"BACKOFFICE_DATA_DIR": str(tmp_path), "BACKOFFICE_S3_ENDPOINT_URL": s3_server.endpoint}
    result = _run(env, "copy", "--to", "s3")
    assert result.returncode == 2
    assert "BACKOFFICE_S3_BUCKET: must be set" in result.stderr
    result = _run(env, "copy", "--to", "ftp")
    assert result.returncode == 2 and "--to: must be s3 or filesystem" in result.stderr
