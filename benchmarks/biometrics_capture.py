"""Cost of a capture at the biometrics API: prints what it measured and on what machine.

    python benchmarks/biometrics_capture.py [--rounds 3] [--processes 0 2]

Not a test: it asserts nothing, it measures. For each extraction setting (``extract_processes``: 0 =
in the request's thread, n = a pool of n processes) it submits ten fingers and a face through the
service's HTTP API (embedded profile, SQLite in a temporary folder, Flask's test client: no network),
and meanwhile asks the same API for an enrolment's state every 50 ms from another thread, to show
whether the API stays responsive while a capture is extracted. The first capture after a start
includes loading the models (in the pool's processes); it is reported apart. Images are the service's
test fixtures (services/biometrics/tests/fixtures, see NOTICE.md there), cycled over the ten positions.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

# This folder's biometrics/ (result files) would shadow the biometrics package: keep the folder off the
# path (the extraction processes, spawned, import this script again with the same path).
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from biometrics.service import SERVICE  # noqa: E402
from ektp_shared.auth import issue_development_token  # noqa: E402
from ektp_shared.bus.dispatcher import Dispatcher  # noqa: E402
from ektp_shared.contracts import CloudEvent  # noqa: E402
from ektp_shared.contracts.verification import APPLICATION_VERIFIED  # noqa: E402
from ektp_shared.service import Runtime  # noqa: E402
from ektp_shared.settings import DEVELOPMENT  # noqa: E402
from ektp_shared.testing.harness import signed  # noqa: E402
from ektp_shared.web.app import create_app  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "services" / "biometrics" / "tests" / "fixtures"
FINGERS = sorted((FIXTURES / "fingerprints").glob("fvc*.png"))
FACE = FIXTURES / "faces" / "obama_1.jpg"


def approve(runtime: Runtime) -> str:
    application_id = str(uuid.uuid4())
    holder = {"nik": "3201015705000001", "kk_number": "3201010101200001", "full_name": "Uji Coba",
              "birth_place": "Bogor", "birth_date": "2000-05-17", "gender": "PEREMPUAN",
              "address": {"street": "Jl. Uji 1", "rt": "001", "rw": "002", "village_code": "32.01.01.1002"}}
    event = CloudEvent.new(source="/bench", type=APPLICATION_VERIFIED.type, correlationid=application_id, data={
        "application_id": application_id, "receipt_number": "KTP-3201-261127-ABCDEF-0", "kind": "new",
        "verified_at": "2026-11-27T10:00:00+00:00", "card_holder": holder,
        "office": {"code": "DISDUKCAPIL-3201", "name": "DISDUKCAPIL", "address": "Cibinong"}})
    Dispatcher.of(runtime).dispatch(json.dumps(event.to_dict()).encode(), signed(event.to_dict()))
    return application_id


def capture_files() -> dict:
    files = {"face": (io.BytesIO(FACE.read_bytes()), "face.jpg")}
    for position in range(1, 11):
        files[f"finger_{position}"] = (io.BytesIO(FINGERS[(position - 1) % len(FINGERS)].read_bytes()), "f.png")
    return files


def measure(processes: int, rounds: int, folder: Path) -> dict[str, object]:
    settings = SERVICE.load_settings({**DEVELOPMENT, "EKTP_DATA_DIR": str(folder / f"p{processes}"),
                                      "EKTP_BUS_NAMESPACE": f"b{uuid.uuid4().hex[:8]}"}, extract_processes=processes)
    runtime = Runtime.build(SERVICE, settings)
    runtime.migrate()
    client = create_app(runtime).test_client()
    headers = {"Authorization": "Bearer " + issue_development_token(settings, "bench", ["biometric_operator"])}
    captures, polls = [], []
    try:
        for round_ in range(rounds + 1):
            application_id = approve(runtime)
            done = threading.Event()

            def poll() -> None:
                while not done.is_set():
                    started = time.perf_counter()
                    client.get(f"/v1/enrolments/{application_id}", headers=headers)
                    if round_:
                        polls.append(time.perf_counter() - started)
                    done.wait(0.05)

            poller = threading.Thread(target=poll)
            poller.start()
            started = time.perf_counter()
            response = client.post(f"/v1/enrolments/{application_id}/capture", data=capture_files(),
                                   content_type="multipart/form-data", headers=headers)
            elapsed = time.perf_counter() - started
            done.set()
            poller.join()
            if response.status_code != 202:
                raise SystemExit(f"capture refused: {response.get_json()}")
            captures.append(elapsed)
    finally:
        runtime.dispose()
    return {"first": captures[0], "captures": captures[1:], "polls": polls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="captures measured per setting, after the first")
    parser.add_argument("--processes", type=int, nargs="+", default=[0, 2])
    args = parser.parse_args()
    sys.path.append(str(HERE))
    import machine  # noqa: PLC0415  (this folder's helper, once the service's modules are loaded)

    print(machine.banner("biometrics capture: ten fingers + face through the API"), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for processes in args.processes:
            found = measure(processes, args.rounds, Path(folder))
            polls = sorted(found["polls"])
            p95 = polls[int(0.95 * (len(polls) - 1))] if polls else float("nan")
            where = "in the request's thread" if processes == 0 else f"{processes} extraction processes"
            print(f"{where:>28}: capture median {statistics.median(found['captures']):.2f} s "
                  f"(first after start {found['first']:.2f} s); a state query meanwhile: median "
                  f"{1000 * statistics.median(polls):.0f} ms, p95 {1000 * p95:.0f} ms ({len(polls)} queries)",
                  flush=True)


if __name__ == "__main__":
    main()
