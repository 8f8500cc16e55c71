"""A real OpenID Connect provider for tests: the certified npm package ``oidc-provider`` (pinned by
peers/oidc/package-lock.json, installed with ``npm ci`` into peers/oidc/node_modules on first use) run by the
machine's Node.js with peers/oidc/op.mjs, the way the production Keycloak realm is set up (docs/deploy.md).

    with OidcProvider(users=[OidcUser("ana", ["verifier"], ["DISDUKCAPIL-3273"])],
                      clients=[OidcClient("ektp-console", "secret", ["http://127.0.0.1:8006/callback"])]) as op:
        op.issuer, op.jwks_url                      # for the services' settings
        tokens = op.sign_in("ana", "ektp-console")  # the authorization-code flow with PKCE, as a browser would

Its keys are made here (RSA for RS256, P-256 for ES256), so a test can also sign a token with a key the
provider does not publish.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ektp_shared.testing.ports import free_port

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "oidc"


@dataclasses.dataclass(frozen=True)
class OidcUser:
    username: str
    roles: list[str]
    offices: list[str]
    name: str = ""
    realm_roles: list[str] = dataclasses.field(default_factory=list)  # Keycloak's realm_access.roles


@dataclasses.dataclass(frozen=True)
class OidcClient:
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str] = dataclasses.field(default_factory=list)


def install() -> Path:
    """``npm ci`` the locked oidc-provider once; the folder it runs from."""
    if not (PACKAGE_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is not installed (Debian: apt-get install nodejs npm)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PACKAGE_DIR, check=True)
    return PACKAGE_DIR


def private_jwk(key: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = jwt.algorithms.RSAAlgorithm if alg.startswith("RS") else jwt.algorithms.ECAlgorithm
    jwk = json.loads(algorithm.to_jwk(key))
    jwk.pop("key_ops", None)  # PyJWT marks a private key "sign" only; the provider also verifies with it (id_token_hint)
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


class OidcProvider:
    def __init__(self, users: list[OidcUser], clients: list[OidcClient], *, audience: str = "ektp",
                 signing_alg: str = "RS256", access_token_seconds: int = 600):
        self.users, self.clients, self.audience = users, clients, audience
        self.signing_alg, self.access_token_seconds = signing_alg, access_token_seconds
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self._process: subprocess.Popen | None = None
        self._folder = Path(tempfile.mkdtemp(prefix="ektp-oidc-"))

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    def discovery(self) -> dict[str, Any]:
        return requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5).json()

    def start(self) -> OidcProvider:
        folder = install()
        keys = [private_jwk(self.rsa_key, "rsa-1", "RS256"), private_jwk(self.ec_key, "ec-1", "ES256")]
        if self.signing_alg == "ES256":
            keys.reverse()
        config = {"issuer": self.issuer, "port": self.port, "audience": self.audience, "signing_alg": self.signing_alg,
                  "access_token_seconds": self.access_token_seconds, "keys": keys,
                  "clients": [{**dataclasses.asdict(c), "grant_types": ["authorization_code"],
                               "response_types": ["code"], "token_endpoint_auth_method": "client_secret_basic"}
                              for c in self.clients],
                  "users": [{**dataclasses.asdict(u), "name": u.name or u.username} for u in self.users]}
        config_file = self._folder / "config.json"
        config_file.write_text(json.dumps(config))
        log = open(self._folder / "op.log", "wb")
        self._process = subprocess.Popen(["node", str(folder / "op.mjs"), str(config_file)], cwd=folder, stdout=log,
                                         stderr=subprocess.STDOUT, env={**os.environ, "NODE_ENV": "test"})
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"oidc-provider exited: {self.log()}")
            try:
                if requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"oidc-provider did not answer in 20 s: {self.log()}")

    def log(self) -> str:
        path = self._folder / "op.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- a client, as a browser and a site would act ------------------------------------------------
    def sign_in(self, username: str, client_id: str, password: str = "any") -> dict[str, Any]:
        """The authorization-code flow with PKCE through the provider's own login form; the token response."""
        client = next(c for c in self.clients if c.client_id == client_id)
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        browser = requests.Session()
        meta = self.discovery()
        response = browser.get(meta["authorization_endpoint"], allow_redirects=False, timeout=5, params={
            "client_id": client_id, "response_type": "code", "scope": "openid profile", "state": "s",
            "redirect_uri": client.redirect_uris[0], "code_challenge": challenge, "code_challenge_method": "S256"})
        logged_in = False
        while True:
            if not response.is_redirect:
                if logged_in or "name=\"login\"" not in response.text:
                    raise RuntimeError(f"the sign-in stopped at {response.url} ({response.status_code}): "
                                       f"{response.text[:300]}")
                response = browser.post(response.url, data={"prompt": "login", "login": username, "password": password},
                                        allow_redirects=False, timeout=5)
                logged_in = True
                continue
            location = urllib.parse.urljoin(response.url, response.headers["Location"])
            if location.startswith(client.redirect_uris[0]):
                break
            response = browser.get(location, allow_redirects=False, timeout=5)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        if "code" not in query:
            raise RuntimeError(f"the provider refused the sign-in: {query}")
        token = requests.post(meta["token_endpoint"], auth=(client_id, client.client_secret), timeout=5, data={
            "grant_type": "authorization_code", "code": query["code"][0], "code_verifier": verifier,
            "redirect_uri": client.redirect_uris[0]})
        token.raise_for_status()
        return token.json()
