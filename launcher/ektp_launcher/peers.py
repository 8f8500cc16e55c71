"""The peers a profile on one machine needs besides the services: the card printers of printing's shared
fleet (``printer_uri``) that are local ``cardprinter://`` addresses, as CPL/1 emulators writing each card
to ``<data_dir>/printed-cards``. Their feeder and ribbon never run out: nobody refills them on a laptop.
And, unless the environment names a payment gateway, the Midtrans fake, so a fee an admin sets can be paid."""
from __future__ import annotations

from pathlib import Path

from ektp_peers.card_printer import CardPrinterEmulator, start_local
from ektp_peers.midtrans import MidtransFake

from ektp_shared.settings import Settings
from ektp_shared.testing.ports import free_port

BOTTOMLESS = 1_000_000


def card_printers(settings: dict[str, Settings]) -> list[CardPrinterEmulator]:
    printing = settings.get("printing")
    if printing is None:
        return []
    return start_local(printing.printer_uri, Path(printing.data_dir) / "printed-cards", feeder=BOTTOMLESS,
                       ribbon=BOTTOMLESS, hopper_capacity=BOTTOMLESS)


def payment_gateway(environ: dict[str, str]) -> tuple[MidtransFake | None, dict[str, str]]:
    """The Midtrans fake (not yet started) and the intake settings that point at it; none when the environment
    names a gateway of its own."""
    if environ.get("EKTP_INTAKE_PAYMENT_SNAP_URL"):
        return None, {}
    gateway = MidtransFake(port=free_port(), server_key="SB-Mid-server-development")
    intake = f"http://127.0.0.1:{environ.get('EKTP_INTAKE_HTTP_PORT', '8001')}"
    portal = f"http://127.0.0.1:{environ.get('EKTP_PORTAL_HTTP_PORT', '8000')}"
    return gateway, {"EKTP_INTAKE_PAYMENT_SNAP_URL": gateway.url, "EKTP_INTAKE_PAYMENT_API_URL": gateway.url,
                     "EKTP_INTAKE_PAYMENT_SERVER_KEY": gateway.server_key,
                     "EKTP_INTAKE_PAYMENT_NOTIFICATION_URL": f"{intake}/v1/payments/midtrans/notification",
                     "EKTP_INTAKE_PAYMENT_FINISH_URL": f"{portal}/permohonan"}
