#!/usr/bin/env python3
"""Creates the Secrets the e-KTP manifests reference, with random values, and never touches one that
exists (a new data key would make every encrypted column unreadable).

    python3 deploy/k8s/create_secrets.py                  # list what would be created
    python3 deploy/k8s/create_secrets.py --apply          # create the missing ones in namespace ektp

Not created here, because the operators generate them: <service>-db-app (CloudNativePG) and
<user>-user-credentials (Messaging Topology Operator), ektp-<service>-s3 (SeaweedFS operator: S3Credentials). Not created here, because only you know them:
ektp-db-backup-s3 (production backups) and notify's provider credentials (docs/deploy.md, Secrets).
Standard library only, except the event-signing keys (Ed25519), which need the `cryptography` package
(the services' own; `pip install cryptography` where kubectl runs).
"""
from __future__ import annotations

import argparse
import base64
import json
import secrets
import subprocess
import sys
from collections.abc import Callable

SERVICES = ("intake", "verification", "biometrics", "printing", "notify")


def token() -> str:
    return secrets.token_urlsafe(32)


def data_key() -> str:
    # The format EKTP_DATA_KEYS reads: `kid:base64(32 bytes)`; add keys in front to rotate.
    return "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()


def event_keys() -> dict[str, Callable[[], str]]:
    """One Secret with every service's Ed25519 event-signing key (base64 seed) and the producers' public keys
    (`producer:base64`, the format EKTP_EVENT_PUBLIC_KEYS reads): made together, so they always match."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

    pairs = {}
    for service in SERVICES:
        key = Ed25519PrivateKey.generate()
        seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        pairs[service] = (base64.b64encode(seed).decode(), base64.b64encode(public).decode())
    keys: dict[str, Callable[[], str]] = {f"{service}-signing-key": lambda s=seed: s for service, (seed, _) in pairs.items()}
    public_keys = ",".join(f"{service}:{public}" for service, (_, public) in pairs.items())
    keys["public-keys"] = lambda: public_keys
    return keys


def plan() -> dict[str, dict[str, Callable[[], str]]]:
    """Secret name -> key -> how its value is made."""
    wanted: dict[str, dict[str, Callable[[], str]]] = {
        # Shared by all services: officers' HS256 tokens (development).
        "ektp-shared": {"jwt-secret": token},
        # One key per service that serves documents by signed link, given only to it and to those that link to
        # them: intake's (verification, biometrics) and biometrics' (verification, printing).
        "ektp-intake-links": {"link-secret": token},
        "ektp-biometrics-links": {"link-secret": token},
        # The citizens' portal signs its session cookie and its forms' CSRF tokens with this key.
        "ektp-portal": {"secret-key": token},
        # The officers' console: its session cookie's key, and its client secret at the OIDC provider (give the
        # provider's ektp-console client this value, docs/deploy.md).
        "ektp-console": {"secret-key": token, "oidc-client-secret": token},
        "ektp-event-keys": event_keys(),
    }
    for service in SERVICES:
        wanted[f"ektp-{service}"] = {"data-keys": data_key, "lookup-key": token}
    return wanted


def exists(kubectl: str, namespace: str, name: str) -> bool:
    return subprocess.run([kubectl, "-n", namespace, "get", "secret", name], capture_output=True).returncode == 0


def create(kubectl: str, namespace: str, name: str, values: dict[str, str]) -> None:
    # Through stdin, so no value appears on a command line.
    manifest = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                "metadata": {"name": name, "namespace": namespace, "labels": {"app.kubernetes.io/part-of": "ektp"}},
                "stringData": values}
    subprocess.run([kubectl, "create", "-f", "-"], input=json.dumps(manifest).encode(), check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description="Create the missing e-KTP Secrets with random values.")
    parser.add_argument("-n", "--namespace", default="ektp")
    parser.add_argument("--apply", action="store_true", help="create them (default: only list them)")
    parser.add_argument("--kubectl", default="kubectl")
    args = parser.parse_args()
    for name, keys in plan().items():
        if not args.apply:
            print(f"{name}: {', '.join(keys)}")
        elif exists(args.kubectl, args.namespace, name):
            print(f"{name}: exists, left as it is")
        else:
            create(args.kubectl, args.namespace, name, {key: make() for key, make in keys.items()})
            print(f"{name}: created")
    if not args.apply:
        print("(nothing created: add --apply)", file=sys.stderr)


if __name__ == "__main__":
    main()
