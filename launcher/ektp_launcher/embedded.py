"""The embedded profile (``make run``): all the services in one process, like Loki's monolithic mode, with
the card printer and the payment gateway (Midtrans) emulated beside them and the sites (the citizens' portal on 8000) in front of them.

Each service keeps its own SQLite file and object folder under ``EKTP_DATA_DIR`` (default ``var``) and
its own API port (intake 8001 … notify 8005); the bus is kombu's in-memory transport. The code is the
same as in the real profile; only the settings differ.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import threading

from werkzeug.serving import make_server

from ektp_shared import logs
from ektp_shared.service import Runtime, discover
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.site import discover_sites
from ektp_shared.web.app import create_app
from ektp_shared.worker import Worker

from . import peers
from .local import ONE_ADDRESS_FOR_ALL, SAME_DAY_PICKUP

log = logging.getLogger("ektp.embedded")

# On one machine over plain http: the sites' cookies cannot be https-only, and intake sees the citizen's
# address in the X-Forwarded-For the portal sends (the portal is the one proxy in front of it). Every citizen
# (the demo, the curl walk-through, a browser) comes from this machine's address, so only the per-NIK limits
# count: `make demo` may run again and again. A demo's card is collected the day it is printed.
ONE_MACHINE = {"EKTP_PORTAL_COOKIE_SECURE": "false", "EKTP_CONSOLE_COOKIE_SECURE": "false",
               "EKTP_INTAKE_TRUSTED_PROXIES": "1", **ONE_ADDRESS_FOR_ALL, **SAME_DAY_PICKUP, **DEVELOPMENT}


class Suite:
    """The running services; ``start`` returns once every API listens and every worker runs."""

    def __init__(self, environ: dict[str, str] | None = None):
        environ = {**ONE_MACHINE, **(os.environ if environ is None else environ)}
        self.gateway, paying = peers.payment_gateway(environ)
        environ = {**paying, **environ}
        self.runtimes = [Runtime.build(spec, spec.load_settings(environ)) for spec in discover().values()]
        urls = {f"{r.name}_url": f"http://{r.settings.http_host}:{r.settings.http_port}" for r in self.runtimes}
        self.sites = [(spec, spec.load_settings(environ, **{name: url for name, url in urls.items()
                                                            if name in spec.settings_class.__dataclass_fields__}))
                      for spec in discover_sites().values()]
        self.servers: list = []
        self.workers: list[Worker] = []
        self.printers: list = []

    def start(self) -> "Suite":
        try:
            return self._start()
        except BaseException:  # e.g. a port taken (werkzeug exits): stop what did start, or its workers live on
            self.stop()        # in this process and consume the next suite's events from the in-memory bus
            raise

    def _start(self) -> "Suite":
        self.printers = peers.card_printers({runtime.name: runtime.settings for runtime in self.runtimes})
        if self.gateway is not None:
            self.gateway.start()
        for runtime in self.runtimes:
            runtime.migrate()
            self._serve(runtime.name, runtime.settings, create_app(runtime))
            worker = Worker(runtime)
            worker.start()
            self.workers.append(worker)
            log.info("service started", extra={"service_name": runtime.name, "port": runtime.settings.http_port})
        for spec, settings in self.sites:
            self._serve(spec.name, settings, spec.create_app(settings))
        return self

    def _serve(self, name: str, settings, app) -> None:
        server = make_server(settings.http_host, settings.http_port, app, threaded=True)
        threading.Thread(target=server.serve_forever, name=f"{name}-http", daemon=True).start()
        self.servers.append(server)

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
        for worker in self.workers:
            worker.stop(timeout=10)
        for runtime in self.runtimes:
            runtime.dispose()
        for printer in self.printers:
            printer.stop()
        if self.gateway is not None:
            self.gateway.stop()


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    logs.configure()
    suite = Suite().start()
    for spec, settings in suite.sites:
        print(f"{spec.name:>12}: http://{settings.http_host}:{settings.http_port}/  ({spec.title})", flush=True)
    for runtime in suite.runtimes:
        print(f"{runtime.name:>12}: http://{runtime.settings.http_host}:{runtime.settings.http_port}/openapi.json", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    suite.stop()


if __name__ == "__main__":
    main()
