"""Where a citizen reads the one-time code notify sent them: the messages that reached a phone number or an
email address. On one machine notify's ``folder`` provider is the telco and the mail server (``var/outbox/``);
the tests read their SMS gateway and SMTP server instead. Either way the code is read from the message, as
a person would."""
from __future__ import annotations

import argparse
import email
import email.policy
import json
import re
import time
from pathlib import Path
from typing import Protocol

from ektp_shared.identity.contact import EMAIL, SMS, normalised

# Six digits on their own: not the date inside a receipt number (KTP-3201-261203-…), which a milestone message
# arriving between the request and the code carries.
CODE = re.compile(r"(?<![\w-])(\d{6})(?![\w-])")


class Mailbox(Protocol):
    def texts(self, channel: str, address: str) -> list[str]:
        """The texts of the messages that reached the address, oldest first."""


class NoCode(RuntimeError):
    pass


def new_code(mailbox: Mailbox, channel: str, address: str, seen: int, timeout: float = 30.0) -> str:
    """The code of the first message with a code to arrive after the ``seen`` already there (a milestone message
    may arrive in between)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for text in mailbox.texts(channel, address)[seen:]:
            found = CODE.search(text)
            if found:
                return found.group(1)
        time.sleep(0.1)
    raise NoCode(f"no code reached the {channel} address in {timeout:.0f} s")


class OutboxFolder:
    """notify's folder provider: ``<outbox>/sms/*.json`` and ``<outbox>/email/*.eml``."""

    def __init__(self, outbox: Path):
        self.outbox = Path(outbox)

    def texts(self, channel: str, address: str) -> list[str]:
        wanted = normalised(channel, address)
        found: list[tuple[float, str]] = []
        if channel == SMS:
            for path in (self.outbox / "sms").glob("*.json"):
                record = json.loads(path.read_text(encoding="utf-8"))
                if record["to"] == wanted:
                    found.append((path.stat().st_mtime, record["text"]))
        else:
            for path in (self.outbox / "email").glob("*.eml"):
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                if wanted in str(message["To"]).lower():
                    found.append((path.stat().st_mtime, message.get_body(("plain",)).get_content()))
        return [text for _, text in sorted(found)]


class Peers:
    """The SMS gateway and SMTP server the tests and benchmarks point notify at."""

    def __init__(self, sms_gateway, smtp_sink):
        self.sms_gateway = sms_gateway
        self.smtp_sink = smtp_sink

    def texts(self, channel: str, address: str) -> list[str]:
        wanted = normalised(channel, address)
        if channel == SMS:
            return [sms.message for sms in self.sms_gateway.messages if "+" + sms.number.lstrip("+") == wanted]
        return [mail.message.get_body(("plain",)).get_content() for mail in self.smtp_sink.messages
                if wanted in (rcpt.lower() for rcpt in mail.rcpt_tos)]


def main() -> None:
    """``make code TO=<phone or email>``: the newest code in ``make run``'s outbox, as the citizen would read it."""
    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("address", help="the mobile number or email address the code was sent to")
    parser.add_argument("--outbox", type=Path, default=Path("var/outbox"))
    args = parser.parse_args()
    channel = EMAIL if "@" in args.address else SMS
    texts = OutboxFolder(args.outbox).texts(channel, args.address)
    found = CODE.search(texts[-1]) if texts else None
    if not found:
        raise SystemExit(f"no code has reached {channel} {args.address} in {args.outbox}")
    print(found.group(1))


if __name__ == "__main__":
    main()
