"""A local server that speaks the S3 protocol: moto's standalone server, run as its own
process on a free loopback port, so the code under test talks real HTTP to it through
boto3 exactly as it would to AWS S3 or MinIO.

`authenticated=True` turns on moto's IAM checks (a request with an unknown key or a wrong
secret is refused as S3 refuses it), for the start-up checks; moto does not serve
presigned URLs in that mode, so the other tests use a plain server.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

# Never ask a cloud's metadata address for credentials, nor read this machine's ~/.aws.
ISOLATED_ENV = {"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str

    def client(self, **credentials: str) -> Any:
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(
            aws_access_key_id=credentials.get("access_key", self.access_key),
            aws_secret_access_key=credentials.get("secret_key", self.secret_key))
        return session.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                              config=Config(s3={"addressing_style": "path"}))

    def new_bucket(self) -> str:
        name = "books-" + uuid.uuid4().hex[:12]
        self.client().create_bucket(Bucket=name)
        return name

    def env(self, bucket: str, **extra: str) -> dict[str, str]:
        """The settings and credentials of a process using this server's `bucket`."""
        return {**ISOLATED_ENV, "BACKOFFICE_STORAGE": "s3", "BACKOFFICE_S3_BUCKET": bucket,
                "BACKOFFICE_S3_ENDPOINT_URL": self.endpoint,
                "BACKOFFICE_S3_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": self.access_key,
                "AWS_SECRET_ACCESS_KEY": self.secret_key, **extra}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server(*, authenticated: bool = False) -> Iterator[S3Server]:
    port = _free_port()
    env = {**os.environ, **ISOLATED_ENV}
    if authenticated:
        # The first three requests (the user, its key, its policy) are let through.
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{endpoint}/moto-api/", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        server = S3Server(endpoint, "test-access-key", "test-secret-key")
        if authenticated:
            server = _with_user(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _with_user(server: S3Server) -> S3Server:
    import boto3

    iam = boto3.session.Session(
        aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap",
        region_name="us-east-1").client("iam", endpoint_url=server.endpoint)
    iam.create_user(UserName="backoffice")
    key = iam.create_access_key(UserName="backoffice")["AccessKey"]
    iam.put_user_policy(UserName="backoffice", PolicyName="s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    return S3Server(server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
