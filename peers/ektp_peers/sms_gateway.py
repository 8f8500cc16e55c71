"""A recording fake of an Indonesian HTTP SMS gateway (the Zenziva-style API), served over real HTTP.

``POST <path>`` with ``userkey``, ``passkey``, the number and the message (form or JSON) answers
``{"messageId": "1", "to": "<number>", "status": "1", "text": "Success"}``; wrong keys or a missing
field answer HTTP 200 with ``"status": "0"`` and the reason in ``text``, as such gateways do.
It can be told to fail: ``http_500`` (server error), ``refuse`` (status "0"), ``garbage`` (a body that
is not JSON) or ``slow`` (answers only after a delay), for the next N requests or until ``recover()``.

In a test, run it in a thread:

    with SmsGatewayFake() as gateway:
        ... post to gateway.url with gateway.userkey / gateway.passkey ...
        [sms] = gateway.wait_for(1)

Another process (an end-to-end test) can run it with ``python -m ektp_peers.sms_gateway
--port 8025`` and read ``GET /_messages``, or steer it with ``POST /_fail {"mode": ..., "times": ...}``
and ``POST /_recover``.
"""
from __future__ import annotations

import argparse
import dataclasses
import time
from typing import Any

from werkzeug.wrappers import Request, Response

from .http_peer import HttpPeer, json_response

FAILURE_MODES = ("http_500", "refuse", "garbage", "slow")


@dataclasses.dataclass(frozen=True)
class GatewaySms:
    message_id: str
    number: str
    message: str


class SmsGatewayFake(HttpPeer[GatewaySms]):
    thread_name = "sms-gateway-fake"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = "/api/sendsms/",
        userkey: str = "test-userkey",
        passkey: str = "test-passkey",
        number_field: str = "to",
        message_field: str = "message",
    ) -> None:
        super().__init__(host, port)
        self.path = path
        self.userkey = userkey
        self.passkey = passkey
        self.number_field = number_field
        self.message_field = message_field
        self.requests = 0  # every POST to the API, answered well or not
        self._failure: tuple[str, int | None, float] | None = None  # (mode, remaining or None, delay)

    @property
    def url(self) -> str:
        return f"{super().url}{self.path}"

    @property
    def messages(self) -> list[GatewaySms]:
        return self.received

    def fail(self, mode: str, *, times: int | None = None, delay: float = 5.0) -> None:
        if mode not in FAILURE_MODES:
            raise ValueError(f"mode must be one of {FAILURE_MODES}")
        with self._lock:
            self._failure = (mode, times, delay)

    def recover(self) -> None:
        with self._lock:
            self._failure = None

    def wait_for(self, count: int, timeout: float = 5.0) -> list[GatewaySms]:
        return self._wait_until(lambda messages: len(messages) >= count, timeout, f"{count} SMS")[:count]

    @Request.application
    def app(self, request: Request) -> Response:
        if request.path == self.path and request.method == "POST":
            return self._send(request)
        if request.path == "/_messages" and request.method == "GET":
            return json_response([dataclasses.asdict(sms) for sms in self.messages])
        if request.path == "/_fail" and request.method == "POST":
            body = request.get_json(force=True, silent=True) or {}
            try:
                self.fail(body.get("mode", ""), times=body.get("times"), delay=float(body.get("delay", 5.0)))
            except ValueError as error:
                return json_response({"error": str(error)}, status=400)
            return json_response({"ok": True})
        if request.path == "/_recover" and request.method == "POST":
            self.recover()
            return json_response({"ok": True})
        return json_response({"error": "not found"}, status=404)

    def _send(self, request: Request) -> Response:
        fields: dict[str, Any] = dict(request.form) if request.form else (request.get_json(silent=True) or {})
        with self._lock:
            self.requests += 1
            failure = self._take_failure()
        if failure:
            mode, delay = failure
            if mode == "http_500":
                return Response("Internal Server Error", status=500)
            if mode == "refuse":
                return json_response({"status": "0", "text": "Saldo tidak mencukupi"})
            if mode == "garbage":
                return Response("<html>Bad Gateway</html>", status=200, mimetype="text/html")
            time.sleep(delay)
        if fields.get("userkey") != self.userkey or fields.get("passkey") != self.passkey:
            return json_response({"status": "0", "text": "Userkey atau Passkey salah"})
        number = str(fields.get(self.number_field) or "")
        message = str(fields.get(self.message_field) or "")
        if not number.isdigit() or not message:
            return json_response({"status": "0", "text": "Nomor tujuan atau pesan tidak valid"})
        with self._lock:
            sms = GatewaySms(message_id=str(len(self._received) + 1), number=number, message=message)
            self._receive(sms)
        return json_response({"messageId": sms.message_id, "to": number, "status": "1", "text": "Success"})

    def _take_failure(self) -> tuple[str, float] | None:
        if self._failure is None:
            return None
        mode, remaining, delay = self._failure
        if remaining is not None:
            self._failure = (mode, remaining - 1, delay) if remaining > 1 else None
        return mode, delay


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--userkey", default="test-userkey")
    parser.add_argument("--passkey", default="test-passkey")
    options = parser.parse_args(argv)
    SmsGatewayFake(host=options.host, port=options.port, userkey=options.userkey,
                   passkey=options.passkey).serve("SMS gateway fake")


if __name__ == "__main__":
    main()
