"""The embedded profile (``make run``): all the services in one process, like Loki's monolithic mode, with
the card printer emulated beside them.

Each service keeps its own SQLite file and object folder under ``EKTP_DATA_DIR`` (default ``var``) and
its own API port (intake 8001 … notify 8005); the bus is kombu's in-memory transport. The code is the
same as in the real profile; only the settings differ.
"""
from __future__ import annotations

import argparse
import logging
import signal
import threading

from werkzeug.serving import make_server

from ektp_shared import logs
from ektp_shared.service import Runtime, discover
from ektp_shared.web.app import create_app
from ektp_shared.worker import Worker

from . import peers

log = logging.getLogger("ektp.embedded")


class Suite:
    """The running services; ``start`` returns once every API listens and every worker runs."""

    def __init__(self, environ: dict[str, str] | None = None):
        self.runtimes = [Runtime.build(spec, spec.load_settings(environ)) for spec in discover().values()]
        self.servers: list = []
        self.workers: list[Worker] = []
        self.printers: list = []

    def start(self) -> "Suite":
        self.printers = peers.card_printers({runtime.name: runtime.settings for runtime in self.runtimes})
        for runtime in self.runtimes:
            runtime.migrate()
            server = make_server(runtime.settings.http_host, runtime.settings.http_port, create_app(runtime), threaded=True)
            threading.Thread(target=server.serve_forever, name=f"{runtime.name}-http", daemon=True).start()
            self.servers.append(server)
            worker = Worker(runtime)
            worker.start()
            self.workers.append(worker)
            log.info("service started", extra={"service_name": runtime.name, "port": runtime.settings.http_port})
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
        for worker in self.workers:
            worker.stop(timeout=10)
        for runtime in self.runtimes:
            runtime.dispose()
        for printer in self.printers:
            printer.stop()


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    logs.configure()
    suite = Suite().start()
    for runtime in suite.runtimes:
        print(f"{runtime.name:>12}: http://{runtime.settings.http_host}:{runtime.settings.http_port}/openapi.json", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    suite.stop()


if __name__ == "__main__":
    main()
