"""Debian packages some tests need (CUPS and poppler for printing, promtool for the alert rules).

Every machine starts new with today's package lists, so an install first refreshes them. What cannot be
installed (not root, no apt-get, a package the mirror lacks) is reported by name with the command that
would install it; the caller turns that into a skip, or a failure under ``CI=true`` (``infra.unavailable``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

QUIET = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True,
         "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}


def missing_commands(needed: Mapping[str, str]) -> dict[str, str]:
    """The commands of ``needed`` ({command: Debian package}) that are not on the PATH."""
    return {command: package for command, package in needed.items() if not shutil.which(command)}


def ensure_commands(needed: Mapping[str, str], timeout: float = 900) -> str | None:
    """Install the packages of the missing commands; None when every command is there afterwards, else a
    message naming what is missing, why, and how to install it."""
    missing = missing_commands(needed)
    if not missing:
        return None
    packages = sorted(set(missing.values()))
    wanted = ", ".join(f"{command} (Debian package {package})" for command, package in sorted(missing.items()))
    how = f"apt-get update && apt-get install --no-install-recommends {' '.join(packages)}"
    if not shutil.which("apt-get"):
        return f"missing: {wanted}; this machine has no apt-get"
    if os.geteuid() != 0:
        return f"missing: {wanted}; installing needs root: {how}"
    refreshed = subprocess.run(["apt-get", "update", "-qq"], timeout=timeout, **QUIET)
    if refreshed.returncode != 0:
        return f"missing: {wanted}; apt-get update failed: {refreshed.stdout.strip()[-500:]}"
    installed = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
                               timeout=timeout, **QUIET)
    still = missing_commands(needed)
    if installed.returncode != 0 or still:
        return f"missing: {', '.join(sorted(still)) or wanted}; apt-get install failed: {installed.stdout.strip()[-500:]}"
    return None
