"""`make bench`: every benchmark of the project, one after the other, on this machine; prints what each
measured and writes the report to benchmarks/RESULTS.md (committed: the last results).

Benchmarks are not tests: they assert nothing and fail nothing; they measure, and state the machine.
Each compares side by side within its own run (ours against a baseline on the same broker, database and
machine). `python benchmarks/run.py bus journey` runs a subset.
"""
from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

from machine import banner

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "bus": ("bus_bench.py", "event path (consume → inbox → handler → outbox → relay) vs raw kombu consume + confirmed publish"),
    "journey": ("journey_bench.py", "applications per minute through all five services, submit → ready-for-pickup (real profile)"),
    "intake": ("intake_bench.py", "intake submit under gunicorn vs a bare Flask insert (real profile)"),
    "printing-notify": ("printing_notify_bench.py", "cards rendered per second; notifications per second over SMTP and SMPP"),
    "biometrics": ("biometrics_speed.py", "fingerprint matches per second, 1:N identify over 100k, face 1:N over 1M"),
    "biometrics-scale": ("biometrics_scale.py", "1:N IDENTIFY p50/p95 and throughput at 10k/100k/1M identities, 1 and 2 shards; "
                                                "memory per identity; the capacity table for 200M (benchmarks/biometrics/capacity.md)"),
    "photo-faces": ("photo_faces.py", "intake photo check: faces found in 60 LFW-based 4x6 photos, YuNet vs the old Haar cascade"),
    "biometrics-capture": ("biometrics_capture.py", "a ten-finger + face capture: extraction in the request vs a process pool"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help=f"run only these: {', '.join(BENCHMARKS)}")
    args = parser.parse_args()
    chosen = args.only or list(BENCHMARKS)
    header = banner(f"e-KTP benchmarks, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(header, flush=True)
    sections = [f"# Benchmark results\n\nWritten by `make bench` (benchmarks/run.py). Numbers are from one run on the machine "
                f"below; other processes on it were not controlled for.\n\n```\n{header}\n```\n"]
    for name in chosen:
        script, what = BENCHMARKS[name]
        path = HERE / script
        print(f"\n== {name}: {what}", flush=True)
        if not path.exists():
            print("   (not present)")
            continue
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=HERE.parent)
        output = done.stdout.strip() or done.stderr.strip()[-2000:]
        print(output, flush=True)
        status = "" if done.returncode == 0 else f" — exited with {done.returncode}"
        sections.append(f"## {name}{status}\n\n{what} ({time.perf_counter() - started:.0f} s)\n\n```\n{output}\n```\n")
    if not args.only:
        (HERE / "RESULTS.md").write_text("\n".join(sections))
        print(f"\nwrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
