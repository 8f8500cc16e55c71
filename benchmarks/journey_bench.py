"""Applications per minute through all five services in the real profile, and the time from submission
to ready-for-pickup (part of `make bench`).

Starts the local real profile (gunicorn APIs, workers, RabbitMQ, PostgreSQL, SeaweedFS; fresh databases and
a broker namespace of its own), then walks N applications concurrently through the public APIs, with the
officer's approval, the capture and the handover done by the script as soon as each is possible. Every
applicant needs a face and fingers no one else has (or 1:N flags a duplicate, correctly), so this
benchmark reads the team's shelf: ../shared/data/biometrics (five FVC databases, the LFW subset).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from costs import snapshot
from ektp_peers.seaweedfs import SeaweedFS
from minio import Minio
from PIL import Image

from biometrics.engine import Engine
from biometrics.engine.rejection import CaptureRejected
from ektp_launcher.journey import Endpoints, Journey, Person, camera_capture, passport_photo, sample_person
from ektp_launcher.local import ONE_ADDRESS_FOR_ALL, LocalCluster
from ektp_launcher.mailbox import OutboxFolder
from ektp_shared.service import discover
from ektp_shared.testing import infra
from ektp_shared.testing.fixtures import real_environment
from intake.rules.photo import check_photo

SHELF = Path(__file__).resolve().parents[2] / "shared" / "data" / "biometrics"
# FVC2000 DB1 and DB2 hold the same fingers on two sensors (the engine matches them across the sensors, so
# they would rightly be raised as duplicates): only one of the two serves as distinct people.
FINGER_DBS = ["fvc2000/DB1_B", "fvc2000/DB3_B", "fvc2000/DB4_B", "fvc2002/DB1_B"]


def centre(photo: bytes) -> bytes:
    """The middle of an LFW news photo: the subject, without the bystanders at its edges."""
    with Image.open(io.BytesIO(photo)) as image:
        width, height = image.size
        cropped = image.convert("RGB").crop((width // 5, height // 8, width - width // 5, height - height // 8))
    out = io.BytesIO()
    cropped.save(out, "JPEG", quality=95)
    return out.getvalue()


def people(count: int, rng: random.Random) -> list[Person]:
    if not SHELF.is_dir():
        raise SystemExit(f"this benchmark needs the team's shelf at {SHELF} (distinct faces and fingers per applicant)")
    fingers = [SHELF / "fingerprints" / db / f"{finger}_1.png" for db in FINGER_DBS for finger in range(101, 111)]
    faces = sorted((SHELF / "faces" / "lfw_subset").iterdir())
    if count > len(fingers) // 2:
        raise SystemExit(f"the shelf has distinct fingers for at most {len(fingers) // 2} people")
    # News photos are not office captures: keep the faces that pass both quality gates (intake's 4x6 photo
    # check and the capture's face check), so the benchmark measures journeys, not refusals.
    engine = Engine()
    usable = [face for face in (camera_capture(centre((folder / f"{folder.name}_0001.jpg").read_bytes())) for folder in faces)
              if _passes(engine, face)]
    if count > len(usable):
        raise SystemExit(f"only {len(usable)} of the shelf's faces pass the quality gates")
    made = []
    for index in range(count):
        base = sample_person(rng, email=f"bench{index}@example.org", phone=f"0812{rng.randrange(10**7, 10**8)}")
        prints = {1: fingers[2 * index].read_bytes(), 2: fingers[2 * index + 1].read_bytes()}
        made.append(Person(base.application, usable[index], prints))
    return made


def _passes(engine: Engine, face: bytes) -> bool:
    try:
        engine.extract_face(face)
    except CaptureRejected:
        return False
    return check_photo(passport_photo(face)).ok


def timeline_seconds(status: dict, start: str, end: str) -> float:
    at = {entry["stage"]: dt.datetime.fromisoformat(entry["occurred_at"]) for entry in status["timeline"]}
    return (at[end] - at[start]).total_seconds()


PER_APPLICATION = Path(__file__).resolve().parent / "capacity" / "per_application.json"


def run(count: int = 20, concurrency: int = 5) -> dict:
    infra.require_postgres()
    infra.require_rabbitmq()
    work = Path(tempfile.mkdtemp(prefix="ektp-journey-bench-"))
    seaweed = SeaweedFS(work / "seaweedfs").start()
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    specs = discover()
    databases = {name: infra.create_database(f"ektp_{name}") for name in specs}
    # Every applicant of the benchmark comes from this one address: the per-address limits would stop them.
    environ = {**real_environment(namespace, seaweed), "EKTP_DATA_DIR": str(work / "data"), "EKTP_LOG_LEVEL": "WARNING",
               **ONE_ADDRESS_FOR_ALL}
    cluster = LocalCluster(work, environ, databases, gunicorn_workers=2)
    results: list[dict] = []
    errors: list[str] = []
    failed_ids: list[str] = []
    try:
        cluster.start()
        endpoints = Endpoints(*(cluster.url(n) for n in ("intake", "verification", "biometrics", "printing", "notify")))
        queue = people(count, random.Random(42))
        lock = threading.Lock()
        s3 = Minio(seaweed.endpoint, access_key=seaweed.access_key, secret_key=seaweed.secret_key, secure=False)
        time.sleep(2)  # the services' start-up work settles before the count begins
        before = snapshot(cluster, databases, s3)

        def walk() -> None:
            journey = Journey(endpoints, OutboxFolder(work / "data" / "outbox"), timeout=300)
            while True:
                with lock:
                    if not queue:
                        return
                    person = queue.pop()
                application_id = None
                try:
                    application_id, receipt = journey.apply(person)
                    journey.approve(application_id)
                    journey.capture(application_id, person)
                    journey.collect(application_id, receipt, person.nik)
                    status = journey.wait_for_status(application_id, "COLLECTED")
                    with lock:
                        results.append({"submit_to_ready_s": timeline_seconds(status, "SUBMITTED", "READY_FOR_PICKUP")})
                except Exception as exc:  # a benchmark reports failures, it does not stop at the first
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:300])
                        if application_id:
                            failed_ids.append(application_id)

        started = time.perf_counter()
        threads = [threading.Thread(target=walk) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        time.sleep(2)  # PostgreSQL's table statistics and the last relays catch up
        after = snapshot(cluster, databases, s3)
        costs = {name: after[name].minus(before[name]).per(max(1, len(results))) for name in specs}
        parked, flagged = {}, []
        if errors:  # say why, before the cluster is gone
            admin = Journey(endpoints, OutboxFolder(work)).token("admin")
            for name in specs:
                listed = requests.get(f"{cluster.url(name)}/v1/admin/parking", headers=admin, timeout=10).json()
                parked[name] = sorted({m["error"] for m in listed["messages"]})[:3]
            operator = Journey(endpoints, OutboxFolder(work)).token("biometric_operator")
            for application_id in failed_ids:
                enrolment = requests.get(f"{cluster.url('biometrics')}/v1/enrolments/{application_id}", headers=operator,
                                         timeout=10)
                if enrolment.status_code == 200 and enrolment.json().get("candidates"):
                    flagged.append({"state": enrolment.json()["state"], "candidates": enrolment.json()["candidates"]})
    finally:
        cluster.stop()
        seaweed.stop()
        infra.delete_namespace(namespace, list(specs), (1, 2))
        for url in databases.values():
            infra.drop_database(url)
    latencies = sorted(r["submit_to_ready_s"] for r in results)
    if results:
        PER_APPLICATION.parent.mkdir(exist_ok=True)
        PER_APPLICATION.write_text(json.dumps({
            "measured": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"), "applications": len(results),
            "concurrency": concurrency, "per_service": costs}, indent=2) + "\n")
    return {
        "applications": count, "concurrency": concurrency, "completed": len(results), "failed": len(errors),
        "errors": errors[:3], "parked": parked, "flagged_as_duplicates": flagged, "wall_seconds": round(elapsed, 1),
        "applications_per_minute": round(len(results) / elapsed * 60, 1),
        "submit_to_ready_for_pickup_median_s": round(statistics.median(latencies), 2) if latencies else None,
        "submit_to_ready_for_pickup_p95_s": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 2) if latencies else None,
        "per_application": costs,
        "note": "each journey includes the scripted officer approval, capture and handover through the HTTP APIs; "
                "per_application: CPU-seconds of each service's API and worker, database rows and bytes, object "
                "bytes and events published, divided by the completed applications (benchmarks/capacity/)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.applications, args.concurrency), indent=2))


if __name__ == "__main__":
    main()
