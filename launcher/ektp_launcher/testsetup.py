"""What ``make test`` sets up before pytest: the machine's PostgreSQL and RabbitMQ must answer (started
with the toolbox's commands when they are installed but stopped). Everything else the tests start
themselves: SeaweedFS, CUPS (services/printing/scripts/setup_cups.sh), SMTP/SMS/SMPP peers."""
from __future__ import annotations

import os
import subprocess
import sys
import time

from ektp_shared.testing.infra import reachable

STARTERS = {
    "PostgreSQL": (5432, "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"),
    "RabbitMQ": (5672, "rabbitmq-server -detached"),
}


def ensure(name: str, port: int, command: str, timeout: float = 60) -> bool:
    if reachable("127.0.0.1", port):
        return True
    if os.geteuid() != 0:
        print(f"{name} is not running on :{port}; start it with: {command}", file=sys.stderr)
        return False
    print(f"starting {name}: {command}", flush=True)
    subprocess.run(command, shell=True, check=False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if reachable("127.0.0.1", port):
            return True
        time.sleep(0.5)
    return False


def main() -> None:
    missing = [name for name, (port, command) in STARTERS.items() if not ensure(name, port, command)]
    if missing and os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise SystemExit(f"not reachable: {', '.join(missing)} (CI requires the real-infrastructure tests)")


if __name__ == "__main__":
    main()
