"""Object storage for documents and images: an S3 server through the minio SDK, or a local folder.

Every object is encrypted before it leaves the process (AES-GCM, the object key as authenticated
context), so neither the bucket nor a copy of it reveals a document; downloads go through the owning
service, which decrypts. Keys are opaque ids, never personal data.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
from pathlib import Path
from typing import Protocol

from .crypto import Cipher


class ObjectNotFound(KeyError):
    pass


@dataclasses.dataclass(frozen=True)
class StoredObject:
    key: str
    sha256: str
    size: int
    content_type: str


class Backend(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def ping(self) -> None: ...


class FolderBackend:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("object key escapes the storage folder")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # readers never see half an object

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def ping(self) -> None:
        if not self.root.is_dir():
            raise OSError(f"object folder {self.root} is missing")


class S3Backend:
    def __init__(self, endpoint: str, access_key: str, secret_key: str, bucket: str, secure: bool = False, region: str = "",
                 ca_file: str = ""):
        import urllib3
        from minio import Minio

        # Over https the server's certificate is verified against ca_file's CAs (an internal CA) or the system's.
        http = urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs=ca_file or None, timeout=urllib3.Timeout(10, 60),
                                   retries=urllib3.Retry(total=3, backoff_factor=0.2)) if secure and ca_file else None
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region or None,
                            http_client=http)
        self.bucket = bucket

    def ensure_bucket(self) -> None:
        if not self.client.bucket_exists(self.bucket):
            self.client.make_bucket(self.bucket)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(self.bucket, key, io.BytesIO(data), len(data), content_type="application/octet-stream")

    def get(self, key: str) -> bytes:
        from minio.error import S3Error

        try:
            response = self.client.get_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchObject"}:
                raise ObjectNotFound(key) from exc
            raise
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def delete(self, key: str) -> None:
        self.client.remove_object(self.bucket, key)

    def ping(self) -> None:
        self.client.bucket_exists(self.bucket)


class ObjectStore:
    """Encrypting front of a backend. ``put`` returns the digest of the clear content, for the record."""

    def __init__(self, backend: Backend, cipher: Cipher):
        self.backend = backend
        self._cipher = cipher

    def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        self.backend.put(key, self._cipher.encrypt(data, key.encode()), content_type)
        return StoredObject(key, hashlib.sha256(data).hexdigest(), len(data), content_type)

    def get(self, key: str) -> bytes:
        return self._cipher.decrypt(self.backend.get(key), key.encode())

    def get_raw(self, key: str) -> bytes:
        """The bytes as stored (ciphertext), for audits and tests of encryption at rest."""
        return self.backend.get(key)

    def delete(self, key: str) -> None:
        self.backend.delete(key)

    def ping(self) -> None:
        self.backend.ping()


def open_store(settings, cipher: Cipher) -> ObjectStore:
    if settings.s3_endpoint:
        backend = S3Backend(settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key, settings.s3_bucket,
                            settings.s3_secure, settings.s3_region, settings.s3_ca_file)
        backend.ensure_bucket()
        return ObjectStore(backend, cipher)
    return ObjectStore(FolderBackend(Path(settings.data_dir) / "objects" / settings.service), cipher)
