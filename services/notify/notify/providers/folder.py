"""Messages written to files instead of sent: the embedded profile's default, and a way to read what
the service would have sent. Email goes to ``<folder>/email/<delivery id>.eml`` (a complete RFC 5322
message any mail client opens), SMS to ``<folder>/sms/<delivery id>.json``. A file is written under a
temporary name and renamed, so a reader never sees half of it; the same delivery id overwrites its own
file, so a retry leaves one file."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from notify.providers.base import EMAIL, SMS, Accepted, Email, Message, ProviderError, Sms
from notify.providers.smtp import compose
from notify.rules import sms as sms_text


class FolderProvider:
    def __init__(self, folder: str | os.PathLike[str], channel: str, *, sender: str = "", name: str = "folder") -> None:
        if channel not in (EMAIL, SMS):
            raise ValueError(f"unknown channel {channel!r}")
        if channel == EMAIL and not sender:
            raise ValueError("the email folder provider needs a sender address")
        self.folder = Path(folder) / channel
        self.channel = channel
        self.sender = sender
        self.name = name

    def send(self, message: Message) -> Accepted:
        if isinstance(message, Email):
            mail = compose(message, self.sender)
            path = self._write(f"{message.delivery_id}.eml", mail.as_bytes())
        elif isinstance(message, Sms):
            segments = sms_text.split(message.text)
            record = {"to": message.to, "text": message.text, "encoding": segments.encoding, "parts": len(segments.parts)}
            path = self._write(f"{message.delivery_id}.json", json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))
        else:
            raise TypeError(type(message).__name__)
        return Accepted(message_ids=(path.name,))

    def close(self) -> None:
        """Nothing to close."""

    def _write(self, filename: str, content: bytes) -> Path:
        try:
            return self._replace(filename, content)
        except OSError as error:
            raise ProviderError(f"cannot write: {error.strerror or type(error).__name__}") from None

    def _replace(self, filename: str, content: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / filename
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target
