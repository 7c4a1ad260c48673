"""Bad S3 settings stop the start-up with one line naming the setting to fix (exit 2 for
the CLI), against a local S3 server that checks credentials as S3 does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from backoffice.storage import StorageConfigError
from backoffice.storage.cache import ReadThroughCache
from backoffice.storage.s3 import S3Storage
from tests.fakes.s3 import ISOLATED_ENV, moto_server


@pytest.fixture(scope="module")
def strict_s3():
    with moto_server(authenticated=True) as server:
        yield server


@pytest.fixture
def bucket(strict_s3) -> str:
    return strict_s3.new_bucket()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _check(tmp_path: Path, monkeypatch, *, endpoint: str, bucket: str,
           access_key: str | None, secret_key: str | None) -> None:
    for name, value in (("AWS_ACCESS_KEY_ID", access_key),
                        ("AWS_SECRET_ACCESS_KEY", secret_key)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    S3Storage(bucket=bucket, endpoint_url=endpoint, region="us-east-1",
              cache=ReadThroughCache(tmp_path / "cache", 1 << 20)).check()


def test_good_settings_pass_and_the_probe_is_no_key(strict_s3, bucket, tmp_path,
                                                    monkeypatch) -> None:
    _check(tmp_path, monkeypatch, endpoint=strict_s3.endpoint, bucket=bucket,
           access_key=strict_s3.access_key, secret_key=strict_s3.secret_key)
    store = S3Storage(bucket=bucket, endpoint_url=strict_s3.endpoint, region="us-east-1",
                      cache=ReadThroughCache(tmp_path / "cache", 1 << 20))
    assert list(store.keys()) == []


@pytest.mark.parametrize(("case", "named"), [
    ("missing bucket", "BACKOFFICE_S3_BUCKET: there is no bucket 'no-such-bucket'"),
    ("unknown access key", "AWS_ACCESS_KEY_ID: "),
    ("wrong secret", "AWS_SECRET_ACCESS_KEY: does not match"),
    ("no credentials", "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: no S3 credentials"),
    ("unreachable endpoint", "BACKOFFICE_S3_ENDPOINT_URL: cannot reach http://127.0.0.1:"),
])
def test_each_fault_names_its_setting(case: str, named: str, strict_s3, bucket, tmp_path,
                                      monkeypatch) -> None:
    settings = {"endpoint": strict_s3.endpoint, "bucket": bucket,
                "access_key": strict_s3.access_key, "secret_key": strict_s3.secret_key}
    settings.update({
        "missing bucket": {"bucket": "no-such-bucket"},
        "unknown access key": {"access_key": "AKIAUNKNOWN0000000"},
        "wrong secret": {"secret_key": "not-the-secret"},
        "no credentials": {"access_key": None, "secret_key": None},
        "unreachable endpoint": {"endpoint": f"http://127.0.0.1:{_closed_port()}"},
    }[case])
    with pytest.raises(StorageConfigError) as caught:
        _check(tmp_path, monkeypatch, **settings)
    assert str(caught.value).startswith(named), str(caught.value)
    assert "\n" not in str(caught.value)


def _start(command: list[str], env: dict[str, str], tmp_path: Path
           ) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("AWS_", "BACKOFFICE_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "backoffice", *command], capture_output=True, text=True,
        timeout=120, env={**base, **ISOLATED_ENV, "BACKOFFICE_DATA_DIR": str(tmp_path / "d"),
                          **env})


def test_worker_serve_and_check_refuse_to_start(strict_s3, bucket, tmp_path) -> None:
    good = strict_s3.env(bucket)
    cases = [
        (["worker"], {**good, "BACKOFFICE_S3_BUCKET": "no-such-bucket"},
         "BACKOFFICE_S3_BUCKET: there is no bucket 'no-such-bucket'"),
        (["serve", "--port", str(_closed_port())],
         {**good, "BACKOFFICE_S3_ENDPOINT_URL": f"http://127.0.0.1:{_closed_port()}"},
         "BACKOFFICE_S3_ENDPOINT_URL: cannot reach"),
        (["storage", "check"], {**good, "AWS_SECRET_ACCESS_KEY": "wrong"},
         "AWS_SECRET_ACCESS_KEY: does not match"),
        (["worker"], {"BACKOFFICE_STORAGE": "s3"},
         "BACKOFFICE_S3_BUCKET must be set when BACKOFFICE_STORAGE is s3"),
        (["worker"], {**good, "BACKOFFICE_S3_ENDPOINT_URL": "minio:9000"},
         "invalid setting BACKOFFICE_S3_ENDPOINT_URL: must be an http:// or https:// URL"),
    ]
    for command, env, named in cases:
        result = _start(command, env, tmp_path)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert named in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    ok = _start(["storage", "check"], good, tmp_path)
    assert ok.returncode == 0 and f"bucket {bucket}" in ok.stdout, ok.stderr


def test_the_web_app_does_not_start_on_a_missing_bucket(settings, strict_s3,
                                                        monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from backoffice.config import Settings
    from backoffice.main import create_app

    env = strict_s3.env("no-such-bucket")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, env[name])
    bad = Settings(**{**settings.model_dump(by_alias=True),
                      **{k: v for k, v in env.items() if k.startswith("BACKOFFICE_")}})
    with pytest.raises(StorageConfigError, match="BACKOFFICE_S3_BUCKET"), \
            TestClient(create_app(bad)):
        pass
