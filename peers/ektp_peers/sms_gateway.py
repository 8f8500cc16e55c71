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
import json
import threading
import time
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

FAILURE_MODES = ("http_500", "refuse", "garbage", "slow")


@dataclasses.dataclass(frozen=True)
class GatewaySms:
    message_id: str
    number: str
    message: str


class SmsGatewayFake:
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
        self.host = host
        self.port = port
        self.path = path
        self.userkey = userkey
        self.passkey = passkey
        self.number_field = number_field
        self.message_field = message_field
        self.requests = 0  # every POST to the API, answered well or not
        self._messages: list[GatewaySms] = []
        self._failure: tuple[str, int | None, float] | None = None  # (mode, remaining or None, delay)
        self._lock = threading.Condition()
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    @property
    def messages(self) -> list[GatewaySms]:
        with self._lock:
            return list(self._messages)

    def fail(self, mode: str, *, times: int | None = None, delay: float = 5.0) -> None:
        if mode not in FAILURE_MODES:
            raise ValueError(f"mode must be one of {FAILURE_MODES}")
        with self._lock:
            self._failure = (mode, times, delay)

    def recover(self) -> None:
        with self._lock:
            self._failure = None

    def wait_for(self, count: int, timeout: float = 5.0) -> list[GatewaySms]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} SMS, the gateway took {len(self._messages)}")
                self._lock.wait(remaining)
            return self._messages[:count]

    def start(self) -> SmsGatewayFake:
        self._server = make_server(self.host, self.port, self.app, threaded=True)
        self.port = self._server.port
        # A short poll interval: stop() waits for the serving loop to notice, 0.5 s by default.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="sms-gateway-fake", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> SmsGatewayFake:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @Request.application
    def app(self, request: Request) -> Response:
        if request.path == self.path and request.method == "POST":
            return self._send(request)
        if request.path == "/_messages" and request.method == "GET":
            return _json([dataclasses.asdict(sms) for sms in self.messages])
        if request.path == "/_fail" and request.method == "POST":
            body = request.get_json(force=True, silent=True) or {}
            try:
                self.fail(body.get("mode", ""), times=body.get("times"), delay=float(body.get("delay", 5.0)))
            except ValueError as error:
                return _json({"error": str(error)}, status=400)
            return _json({"ok": True})
        if request.path == "/_recover" and request.method == "POST":
            self.recover()
            return _json({"ok": True})
        return _json({"error": "not found"}, status=404)

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
                return _json({"status": "0", "text": "Saldo tidak mencukupi"})
            if mode == "garbage":
                return Response("<html>Bad Gateway</html>", status=200, mimetype="text/html")
            time.sleep(delay)
        if fields.get("userkey") != self.userkey or fields.get("passkey") != self.passkey:
            return _json({"status": "0", "text": "Userkey atau Passkey salah"})
        number = str(fields.get(self.number_field) or "")
        message = str(fields.get(self.message_field) or "")
        if not number.isdigit() or not message:
            return _json({"status": "0", "text": "Nomor tujuan atau pesan tidak valid"})
        with self._lock:
            sms = GatewaySms(message_id=str(len(self._messages) + 1), number=number, message=message)
            self._messages.append(sms)
            self._lock.notify_all()
        return _json({"messageId": sms.message_id, "to": number, "status": "1", "text": "Success"})

    def _take_failure(self) -> tuple[str, float] | None:
        if self._failure is None:
            return None
        mode, remaining, delay = self._failure
        if remaining is not None:
            self._failure = (mode, remaining - 1, delay) if remaining > 1 else None
        return mode, delay


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--userkey", default="test-userkey")
    parser.add_argument("--passkey", default="test-passkey")
    options = parser.parse_args(argv)
    gateway = SmsGatewayFake(host=options.host, port=options.port, userkey=options.userkey, passkey=options.passkey)
    gateway.start()
    print(f"SMS gateway fake at {gateway.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        gateway.stop()


if __name__ == "__main__":
    main()
