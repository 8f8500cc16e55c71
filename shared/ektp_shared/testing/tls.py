"""A test's own HTTPS server, its certificate (for ``localhost``) signed by a throw-away CA from trustme: for a
test of a client that must verify whom it talks to.

    with tls_http_server(Handler) as (url, ca_file):
        ... a client trusting ca_file reaches url (https://localhost:<port>); one trusting another CA must not ...
"""
from __future__ import annotations

import contextlib
import http.server
import ssl
import threading
from collections.abc import Iterator

import trustme


@contextlib.contextmanager
def tls_http_server(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[tuple[str, str]]:
    """Serve ``handler`` over TLS on 127.0.0.1; yields the server's URL and the CA's certificate file."""

    class Quiet(handler):  # type: ignore[valid-type, misc]
        def log_message(self, *_: object) -> None:
            pass  # a request line per request on stderr is noise in a test's output

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, name="tls-http-server", daemon=True).start()
    try:
        with authority.cert_pem.tempfile() as ca_file:
            yield f"https://localhost:{server.server_address[1]}", ca_file
    finally:
        server.shutdown()
        server.server_close()
