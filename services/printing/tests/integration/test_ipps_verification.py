"""An ``ipps://`` printer is reached over TLS with its certificate verified: a printer whose certificate the
driver's CAs do not sign never receives a request (a card holds personal data), one they sign does."""
from __future__ import annotations

import http.server
import ssl
import threading

import pytest
import trustme

from printing.context import drivers_of
from printing.drivers import Condition
from printing.settings import PrintingSettings


@pytest.fixture
def tls_printer():
    """An HTTPS server at the printer's address (not an IPP implementation: it records what reaches it)."""
    authority = trustme.CA()
    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's naming)
            received.append(f"{self.command} {self.path} {self.headers.get('Content-Type')}")
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(500)
            self.end_headers()

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with authority.cert_pem.tempfile() as ca_file:
        yield f"ipps://localhost:{server.server_address[1]}/printers/KTP1", ca_file, received
    server.shutdown()


def test_a_printer_whose_certificate_does_not_verify_gets_nothing(tls_printer):
    uri, _, received = tls_printer
    with trustme.CA().cert_pem.tempfile() as stranger:
        status = drivers_of(PrintingSettings(printer_ca_file=stranger))(uri, timeout=5).printer_status()
    assert not status.online and Condition.OFFLINE in status.conditions
    assert received == []


def test_a_printer_whose_certificate_verifies_is_spoken_to_over_tls(tls_printer):
    uri, ca_file, received = tls_printer
    drivers_of(PrintingSettings(printer_ca_file=ca_file))(uri, timeout=5).printer_status()
    # The stand-in answers no IPP (so the printer shows as not up); what matters is that the request reached it.
    assert received == ["POST /printers/KTP1 application/ipp"]
