"""What a benchmark ran on: printed at the top of every result and stored with it."""
from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version


def _cpu() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _command(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def describe() -> dict[str, str]:
    packages = {}
    for name in ("kombu", "amqp", "sqlalchemy", "psycopg", "flask", "gunicorn"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "-"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": f"{_cpu()} ({os.cpu_count()} logical cores)", "memory": f"{memory:.0f} GiB",
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "rabbitmq": _command(["rabbitmqctl", "version"]),
        "postgresql": _command(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"]),
        "packages": ", ".join(f"{k} {v}" for k, v in packages.items()),
    }


def banner(title: str) -> str:
    lines = [f"== {title}"] + [f"   {k:<10} {v}" for k, v in describe().items()]
    return "\n".join(lines)
