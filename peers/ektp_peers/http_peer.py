"""What the HTTP peers share: a WSGI app served over real HTTP from a thread of the test's process, and the
record of what arrived (messages, spans, notifications sent), which the serving threads add to and a test
waits on.

    class Fake(HttpPeer[Thing]):
        thread_name = "fake"

        @Request.application
        def app(self, request):
            self._receive(Thing(...))
            return json_response({"ok": True})

    with Fake() as fake:
        ... talk to fake.url ...
        [thing] = fake.received
"""
from __future__ import annotations

import abc
import json
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Response

T = TypeVar("T")


class HttpPeer(abc.ABC, Generic[T]):
    thread_name = "http-peer"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port  # 0: the kernel's choice, known once started
        self._received: list[T] = []
        # Guards the record and whatever else a peer's threads share; a Condition on an RLock, so a peer may
        # hold it while it records.
        self._lock = threading.Condition()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def received(self) -> list[T]:
        with self._lock:
            return list(self._received)

    @abc.abstractmethod
    def app(self, environ: dict[str, Any], start_response: Callable) -> Any:
        """The peer's WSGI application."""

    def start(self) -> Self:
        self._server = make_server(self.host, self.port, self.app, threaded=True)
        self.port = self._server.port
        # A short poll interval: stop() waits for the serving loop to notice, 0.5 s by default.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name=self.thread_name,
                                        daemon=True)
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

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve(self, label: str) -> None:
        """Run alone (``python -m``) until interrupted."""
        self.start()
        print(f"{label} at {self.url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def _receive(self, *items: T) -> None:
        with self._lock:
            self._received.extend(items)
            self._lock.notify_all()

    def _wait_until(self, done: Callable[[list[T]], bool], timeout: float, what: str) -> list[T]:
        """What arrived, once ``done(it)`` holds; AssertionError naming ``what`` was awaited after ``timeout``
        seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not done(list(self._received)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"waited {timeout:g}s for {what}; {len(self._received)} arrived")
                self._lock.wait(left)
            return list(self._received)


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
