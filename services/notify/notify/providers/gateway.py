"""SMS over an HTTP gateway of the shape common among Indonesian SMS providers (Zenziva and alike):
a form POST of ``userkey``, ``passkey``, the number and the message, answered with JSON such as
``{"messageId": "1234", "to": "6281234567890", "status": "1", "text": "Success"}``; status "1" means
taken, anything else is a refusal explained in ``text``. The gateway splits long texts itself."""
from __future__ import annotations

import dataclasses
import json
from typing import Any

import requests

from ektp_shared.identity.phone import msisdn
from notify.providers.base import SMS, Accepted, ProviderError, Sms, redact
from notify.rules.sms import split


@dataclasses.dataclass(frozen=True)
class GatewayConfig:
    url: str
    userkey: str
    passkey: str = dataclasses.field(repr=False)
    timeout: float = 10.0
    number_field: str = "to"  # older gateway APIs call it "nohp" or "number"
    message_field: str = "message"  # ... or "pesan"


def parse_answer(body: bytes | str) -> str:
    """The gateway's message id from its JSON answer; ProviderError if it did not take the message."""
    try:
        answer: Any = json.loads(body)
    except ValueError:
        raise ProviderError("unreadable gateway answer") from None
    if isinstance(answer, list) and len(answer) == 1:  # some gateways answer with a one-element list
        answer = answer[0]
    if not isinstance(answer, dict):
        raise ProviderError("unreadable gateway answer")
    if str(answer.get("status", "")).strip() != "1":
        text = answer.get("text") or answer.get("message") or "no reason given"
        raise ProviderError(f"gateway refused: {redact(str(text))}")
    message_id = answer.get("messageId")
    if message_id in (None, ""):
        raise ProviderError("gateway answer without messageId")
    return str(message_id)


class HttpSmsGatewayProvider:
    channel = SMS

    def __init__(self, config: GatewayConfig, name: str = "gateway", session: requests.Session | None = None) -> None:
        self.config = config
        self.name = name
        self._session = session or requests.Session()

    def send(self, message: Sms) -> Accepted:
        parts = len(split(message.text).parts)
        form = {
            "userkey": self.config.userkey,
            "passkey": self.config.passkey,
            self.config.number_field: msisdn(message.to),
            self.config.message_field: message.text,
        }
        try:
            response = self._session.post(self.config.url, data=form, timeout=self.config.timeout)
        except requests.Timeout:
            raise ProviderError("timeout") from None
        except requests.ConnectionError:
            raise ProviderError("connection failed") from None
        except requests.RequestException as error:
            raise ProviderError(f"request failed: {type(error).__name__}") from None
        if response.status_code >= 400:
            raise ProviderError(f"http {response.status_code}")
        return Accepted(message_ids=(parse_answer(response.content),), parts=parts)

    def close(self) -> None:
        self._session.close()
