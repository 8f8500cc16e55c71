"""S3 over https: the object store's certificate is verified against the configured CA, so documents and
biometrics never go to a server that cannot prove it is the object store."""
from __future__ import annotations

import http.server

import pytest
import trustme
import urllib3

from ektp_shared.objects import S3Backend
from ektp_shared.testing.tls import tls_http_server


@pytest.fixture
def https_server():
    """An HTTPS server at the object store's address (no S3: it records the requests that reach it)."""
    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802  (http.server's naming)
            received.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.end_headers()

    with tls_http_server(Handler) as (url, ca_file):
        yield url.removeprefix("https://"), ca_file, received


def test_a_store_whose_certificate_verifies_is_asked_over_https(https_server):
    endpoint, ca_file, received = https_server
    store = S3Backend(endpoint, "key", "secret", "ektp-intake", secure=True, region="us-east-1", ca_file=ca_file)
    assert store.client.bucket_exists("ektp-intake")
    assert received == ["HEAD /ektp-intake"]


def test_a_store_whose_certificate_does_not_verify_is_refused_before_any_request(https_server):
    endpoint, _, received = https_server
    with trustme.CA().cert_pem.tempfile() as stranger:
        store = S3Backend(endpoint, "key", "secret", "ektp-intake", secure=True, region="us-east-1", ca_file=stranger)
        with pytest.raises(urllib3.exceptions.MaxRetryError, match="CERTIFICATE_VERIFY_FAILED"):
            store.client.bucket_exists("ektp-intake")
    assert received == []
