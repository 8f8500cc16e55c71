"""The console as an OpenID Connect client: the authorization-code flow with PKCE (S256), the ID token checked
(signature against the provider's JWKS, issuer, audience, nonce), and RP-initiated logout so that signing out
of the console ends the provider's session too."""
from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import secrets
import threading
from typing import Any
from urllib.parse import urlencode

import jwt
import requests


class SignInFailed(Exception):
    """The provider refused the sign-in, or its answer did not check out; the message says which."""


@dataclasses.dataclass(frozen=True)
class Started:
    url: str  # where the browser goes: the provider's authorization endpoint
    state: str
    nonce: str
    verifier: str


class Provider:
    def __init__(self, issuer: str, client_id: str, client_secret: str, timeout: float):
        self.issuer, self.client_id, self.client_secret, self.timeout = issuer.rstrip("/"), client_id, client_secret, timeout
        self._lock = threading.Lock()

    @functools.cached_property
    def metadata(self) -> dict[str, Any]:
        # Read on first use (the provider may start after the console); cached for the process's life.
        with self._lock:
            response = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=self.timeout)
            response.raise_for_status()
            return response.json()

    @functools.cached_property
    def keys(self) -> jwt.PyJWKClient:
        return jwt.PyJWKClient(self.metadata["jwks_uri"], cache_keys=True, lifespan=300)

    def start(self, redirect_uri: str) -> Started:
        state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri,
                 "scope": "openid profile", "state": state, "nonce": nonce, "code_challenge": challenge,
                 "code_challenge_method": "S256"}
        return Started(f"{self.metadata['authorization_endpoint']}?{urlencode(query)}", state, nonce, verifier)

    def finish(self, code: str, verifier: str, nonce: str, redirect_uri: str) -> dict[str, Any]:
        """Exchange the code; the token response, its ID token checked."""
        response = requests.post(self.metadata["token_endpoint"], auth=(self.client_id, self.client_secret),
                                 timeout=self.timeout, data={"grant_type": "authorization_code", "code": code,
                                                             "code_verifier": verifier, "redirect_uri": redirect_uri})
        if response.status_code != 200:
            raise SignInFailed(f"the provider refused the code ({response.status_code})")
        tokens = response.json()
        try:
            id_token = tokens["id_token"]
            claims = jwt.decode(id_token, self.keys.get_signing_key_from_jwt(id_token).key,
                                algorithms=["RS256", "ES256"], audience=self.client_id, issuer=self.metadata["issuer"])
        except (KeyError, jwt.PyJWTError) as exc:
            raise SignInFailed(f"the ID token does not check out: {exc}") from exc
        if claims.get("nonce") != nonce:
            raise SignInFailed("the ID token answers another sign-in (nonce)")
        return tokens

    def logout_url(self, id_token: str | None, after: str) -> str | None:
        endpoint = self.metadata.get("end_session_endpoint")
        if not endpoint:
            return None
        query = {"client_id": self.client_id, "post_logout_redirect_uri": after}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{endpoint}?{urlencode(query)}"
