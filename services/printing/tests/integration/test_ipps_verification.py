"""An ``ipps://`` printer is reached over TLS with its certificate verified: a printer whose certificate the
driver's CAs do not sign never receives a request (a card holds personal data), one they sign does."""
from __future__ import annotations

import http.server

import pytest
import trustme

from ektp_shared.testing.tls import tls_http_server
from printing.context import drivers_of
from printing.drivers import Condition
from printing.settings import PrintingSettings


@pytest.fixture
def tls_printer():
    """An HTTPS server at the printer's address (not an IPP implementation: it records what reaches it)."""
    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's naming)
            received.append(f"{self.command} {self.path} {self.headers.get('Content-Type')}")
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(500)
            self.end_headers()

    with tls_http_server(Handler) as (url, ca_file):
        yield f"{url.replace('https://', 'ipps://')}/printers/KTP1", ca_file, received


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
