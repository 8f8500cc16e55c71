"""Intake's submit in the real profile under gunicorn, against a bare Flask endpoint doing one SQLAlchemy
insert — same gunicorn settings and workers, same PostgreSQL, same run (part of `make bench`; not a test).

    python benchmarks/intake_bench.py [--workers 2] [--seconds 15] [--concurrency 8] [--rate 100]

Targets (issue 4): our throughput >= 40 % of the bare endpoint's; p99 < 100 ms at a steady 100 requests/s.

- Setup, not measured: fresh databases; complete drafts (data and three document records) written through
  intake's own use cases, one per request to come, each with its own NIK and its citizen's sign-in (every
  submit carries a citizen's bearer token, as the portal's do). Submission reads only the documents'
  records, so no object is uploaded. Intake's worker runs beside its API (it relays the outbox to RabbitMQ),
  as in the real profile.
- Throughput: a closed loop of `concurrency` connections for `seconds`, each POSTing the next draft's submit.
- Latency: an open loop at `rate` requests/s for `seconds`, each request sent on schedule whatever the
  others do; latency counts from the scheduled moment (no coordinated omission).
Prints the machine and the numbers; the load generator shares the machine with the servers.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

from ektp_launcher.local import stop_processes
from ektp_shared.identity.contact import SMS, normalised
from ektp_shared.identity.generator import random_kk, random_nik
from ektp_shared.service import Runtime
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.testing import infra
from ektp_shared.testing.ports import free_port, wait_for_port

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from machine import describe  # noqa: E402  (benchmarks/ is not a package)


def drafts(runtime: Runtime, count: int, seed: int) -> list[tuple[str, str]]:
    """`count` complete drafts of distinct people, ready to submit, each with its citizen's token."""
    from intake import applications
    from intake.models import CitizenSession, Document
    from intake.rules import citizen_access
    from intake.schemas import ApplicationIn

    context, phone = runtime.context, normalised(SMS, "081234567890")

    rng = random.Random(seed)
    today, now = dt.date.today(), dt.datetime.now(dt.timezone.utc)
    schema, ids, niks = ApplicationIn(), [], set()
    with runtime.uow() as uow:
        while len(ids) < count:
            birth = dt.date(today.year - rng.randint(18, 70), rng.randint(1, 12), rng.randint(1, 28))
            gender = rng.choice(["LAKI-LAKI", "PEREMPUAN"])
            nik = random_nik(rng, today=today, district="32.01.01", birth_date=birth, gender=gender)
            if nik in niks:
                continue
            niks.add(nik)
            body = schema.load({"kind": "new", "applicant": {
                "nik": nik, "kk_number": random_kk(rng, today=today, district="32.01.01"), "full_name": "Warga Uji",
                "birth_place": "Bogor", "birth_date": birth.isoformat(), "gender": gender, "religion": "ISLAM",
                "marital_status": "KAWIN", "occupation": "KARYAWAN SWASTA",
                "address": {"street": "Jl. Uji 1", "rt": "001", "rw": "002", "village_code": "32.01.01.1002"}},
                "contact": {"phone": "081234567890"}})
            nik_hash = runtime.cipher.lookup_hash(nik)
            application = applications.create(uow, nik_hash, nik_hash, body, now)
            token, day = citizen_access.new_token(), now + dt.timedelta(days=1)
            uow.session.add(CitizenSession(token_hash=context.lookup_hash(token), nik_hash=application.nik_hash,
                                           address_keys=[context.address_key(SMS, phone)], created_at=now,
                                           last_seen_at=now, ends_at=day, expires_at=day))
            for kind in ("kk", "akta_kelahiran", "photo"):
                uow.session.add(Document(id=str(uuid.uuid4()), application_id=application.id, kind=kind,
                                         object_key=f"documents/{application.id}/{kind}", sha256="0" * 64,
                                         content_type="image/jpeg", size=1, uploaded_at=now))
            ids.append((application.id, token))
            if len(ids) % 500 == 0:
                uow.commit()
        uow.commit()
    return ids


def submit(session: aiohttp.ClientSession, base: str, draft: tuple[str, str]):
    application_id, token = draft
    return session.post(f"{base}/v1/applications/{application_id}/submit", headers={"Authorization": f"Bearer {token}"})


async def closed_loop(base: str, ids: list[tuple[str, str]], concurrency: int, seconds: float) -> tuple[float, int, int]:
    queue = iter(ids)
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal done, errors
        while time.perf_counter() < deadline:
            draft = next(queue, None)
            if draft is None:
                return
            async with submit(session, base, draft) as response:
                await response.read()
                done += 1
                errors += response.status != 200

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    return done / (time.perf_counter() - started), done, errors


async def open_loop(base: str, ids: list[tuple[str, str]], rate: float, seconds: float) -> tuple[list[float], int]:
    count = min(len(ids), int(rate * seconds))
    latencies: list[float] = []
    errors = 0

    async def one(session: aiohttp.ClientSession, draft: tuple[str, str], at: float) -> None:
        nonlocal errors
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        async with submit(session, base, draft) as response:
            await response.read()
            errors += response.status != 200
        latencies.append(time.perf_counter() - at)

    start = time.perf_counter() + 0.2
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(one(session, ids[i], start + i / rate) for i in range(count)))
    return latencies, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def gunicorn(app: str, port: int, env: dict[str, str], workers: int, log: Path, chdir: Path | None = None):
    command = [sys.executable, "-m", "gunicorn", "-c", "python:ektp_shared.gunicorn_conf", app]
    if chdir:
        command[3:3] = ["--chdir", str(chdir)]
    return subprocess.Popen(command, env={**env, "EKTP_HTTP_HOST": "127.0.0.1", "EKTP_HTTP_PORT": str(port),
                                          "GUNICORN_WORKERS": str(workers)},
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def measure(name: str, base: str, ids: list[tuple[str, str]], args: argparse.Namespace) -> dict:
    half = len(ids) // 2
    asyncio.run(closed_loop(base, ids[:20], 2, 5))  # warm-up: connections, imports, caches
    throughput, done, errors = asyncio.run(closed_loop(base, ids[20:half], args.concurrency, args.seconds))
    latencies, late_errors = asyncio.run(open_loop(base, ids[half:], args.rate, args.seconds))
    result = {"name": name, "throughput": throughput, "requests": done, "errors": errors + late_errors,
              "p50": percentile(latencies, 50) * 1000, "p99": percentile(latencies, 99) * 1000,
              "mean": statistics.fmean(latencies) * 1000, "sent": len(latencies)}
    print(f"{name:>28}: {throughput:7.1f} req/s closed loop ({done} requests, {args.concurrency} connections); "
          f"at {args.rate:.0f} req/s: p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms "
          f"({len(latencies)} requests); errors {result['errors']}", flush=True)
    return result


def run(args: argparse.Namespace) -> dict:
    infra.require_postgres()
    infra.require_rabbitmq()
    work = Path(tempfile.mkdtemp(prefix="ektp-intake-bench-"))
    intake_db, bare_db = infra.create_database("ektp_intake_bench"), infra.create_database("ektp_bare_bench")
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    needed = 20 + int(args.seconds * (args.rate + 600)) + 100
    env = {**os.environ, **DEVELOPMENT, "EKTP_DATABASE_URL": intake_db, "EKTP_BROKER_URL": infra.RABBITMQ_URL,
           "EKTP_BUS_NAMESPACE": namespace, "EKTP_DATA_DIR": str(work / "data"), "EKTP_LOG_LEVEL": "WARNING",
           "EKTP_WORKER_METRICS_PORT": str(free_port()), "BARE_DATABASE_URL": bare_db,
           "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus")}
    (work / "prometheus").mkdir()
    processes = []
    try:
        from intake.service import SERVICE

        runtime = Runtime.build(SERVICE, SERVICE.load_settings({k: v for k, v in env.items() if k.startswith("EKTP_")}))
        runtime.migrate()
        print(f"setup: {needed} drafts for intake ...", flush=True)
        ids = drafts(runtime, needed, seed=4)
        runtime.dispose()
        os.environ["BARE_DATABASE_URL"] = bare_db
        bare = importlib.import_module("bare_insert_app")
        bare.metadata.create_all(bare.engine)
        bare.engine.dispose()

        ours_port, bare_port = free_port(), free_port()
        processes.append(gunicorn("intake.wsgi:app", ours_port, env, args.workers, work / "intake-api.log"))
        processes.append(subprocess.Popen([sys.executable, "-m", "intake.worker"], env=env,
                                          stdout=open(work / "intake-worker.log", "ab"), stderr=subprocess.STDOUT))
        processes.append(gunicorn("bare_insert_app:app", bare_port, env, args.workers, work / "bare-api.log", HERE))
        for port in (ours_port, bare_port):
            wait_for_port(port, timeout=60)
        print(f"gunicorn: {args.workers} sync workers each; PostgreSQL and RabbitMQ on this machine", flush=True)
        bare_result = measure("bare Flask + 1 INSERT", f"http://127.0.0.1:{bare_port}", [(str(uuid.uuid4()), token) for _, token in ids],
                              args)
        ours = measure("intake submit (real profile)", f"http://127.0.0.1:{ours_port}", ids, args)
    finally:
        stop_processes(processes)
        for url in (intake_db, bare_db):
            infra.drop_database(url)
        infra.delete_namespace(namespace, ["intake"], (1, 5, 30, 120))
    ratio = ours["throughput"] / bare_result["throughput"]
    print(f"\nratio intake/bare: {ratio:.0%} (target >= 40 %); intake p99 at {args.rate:.0f} req/s: "
          f"{ours['p99']:.1f} ms (target < 100 ms)")
    return {"ours": ours, "bare": bare_result, "ratio": ratio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers of each server")
    parser.add_argument("--seconds", type=float, default=15, help="length of each measured phase")
    parser.add_argument("--concurrency", type=int, default=8, help="connections of the closed loop")
    parser.add_argument("--rate", type=float, default=100, help="requests per second of the open loop")
    args = parser.parse_args()
    for key, value in describe().items():
        print(f"{key:>10}: {value}")
    print()
    run(args)


if __name__ == "__main__":
    main()
