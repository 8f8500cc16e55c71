"""S3 over https: the object store's certificate is verified against the configured CA, so documents and
biometrics never go to a server that cannot prove it is the object store."""
from __future__ import annotations

import http.server
import ssl
import threading

import pytest
import trustme
import urllib3

from ektp_shared.objects import S3Backend


@pytest.fixture
def https_server():
    """An HTTPS server at the object store's address (no S3: it records the requests that reach it)."""
    authority = trustme.CA()
    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802  (http.server's naming)
            received.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with authority.cert_pem.tempfile() as ca_file:
        yield f"localhost:{server.server_address[1]}", ca_file, received
    server.shutdown()


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
