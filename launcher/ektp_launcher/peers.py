"""The peers a profile on one machine needs besides the services: the card printers of printing's shared
fleet (``printer_uri``) that are local ``cardprinter://`` addresses, as CPL/1 emulators writing each card
to ``<data_dir>/printed-cards``. Their feeder and ribbon never run out: nobody refills them on a laptop."""
from __future__ import annotations

from pathlib import Path

from ektp_peers.card_printer import CardPrinterEmulator, start_local

from ektp_shared.settings import Settings

BOTTOMLESS = 1_000_000


def card_printers(settings: dict[str, Settings]) -> list[CardPrinterEmulator]:
    printing = settings.get("printing")
    if printing is None:
        return []
    return start_local(printing.printer_uri, Path(printing.data_dir) / "printed-cards", feeder=BOTTOMLESS,
                       ribbon=BOTTOMLESS, hopper_capacity=BOTTOMLESS)
