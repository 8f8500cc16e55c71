"""``make demo``: with ``make run`` going, walk one sample application from the online form to the card in
the citizen's hand, through the public HTTP APIs only, printing each step.

Every run is a new applicant (NIK, phone and email of their own). The face and fingers are those of one of the
five fixture people that no earlier run enrolled: ``demo-runs.jsonl`` in make run's folder keeps which were
used. Once all five are, a run reuses one; the 1:N search then rightly suspects a duplicate, and the demo works
the adjudication as an officer would. Its output says which applicant it used, whether there was a duplicate
and how it was decided.

``--document kia`` (``make demo DOCUMENT=kia``) walks a child's identity card instead: a parent from the shipped
family-card registry applies for their child (5 to 16, so with a photo); there is no capture, so no face is used
and no run is recorded.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import sys
from collections.abc import Mapping
from pathlib import Path

import requests

from .journey import SAMPLE_PEOPLE, Endpoints, Journey, JourneyError, Person, sample_child, sample_person
from .mailbox import NoCode, OutboxFolder

RECORD = "demo-runs.jsonl"


def endpoints(environ: Mapping[str, str]) -> Endpoints:
    """Where the services answer: the ``EKTP_<SERVICE>_URL`` they use to reach each other, else make run's ports."""
    defaults = Endpoints()
    return Endpoints(**{field.name: environ.get(f"EKTP_{field.name.upper()}_URL", getattr(defaults, field.name))
                        for field in dataclasses.fields(Endpoints)})


def used_faces(record: Path) -> set[str]:
    if not record.exists():
        return set()
    return {json.loads(line)["face"] for line in record.read_text(encoding="utf-8").splitlines() if line.strip()}


def choose(rng: random.Random, used: set[str]) -> tuple[str, tuple[int, int], bool]:
    """A fixture person no earlier run enrolled (``True``), or, once all were, any of them (``False``)."""
    fresh = [person for person in SAMPLE_PEOPLE if person[0] not in used]
    face, fingers = rng.choice(fresh or SAMPLE_PEOPLE)
    return face, fingers, bool(fresh)


def walk(person: Person, data_dir: Path, adjudicate: bool) -> dict:
    at = endpoints(os.environ)
    journey = Journey(at, OutboxFolder(data_dir / "outbox"), say=lambda line: print(line, flush=True))
    try:
        return journey.run(person, adjudicate=adjudicate)
    except (JourneyError, NoCode) as exc:
        print(f"demo stopped: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
    except requests.ConnectionError as exc:
        print(f"demo stopped: nothing answers at {at.intake} and the other ports: start `make run` in another "
              "terminal first", file=sys.stderr)
        raise SystemExit(1) from exc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("EKTP_DATA_DIR", "var")),
                        help="make run's folder (EKTP_DATA_DIR): the citizen's messages arrive in its outbox/, "
                             f"and the demo keeps its runs in {RECORD}")
    parser.add_argument("--seed", type=int, default=None, help="pick the sample person (default: random)")
    parser.add_argument("--document", choices=("ektp", "kia"), default="ektp",
                        help="ektp (default), or kia: a parent applies for a child's identity card, which has no capture")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.document == "kia":
        child = sample_child(rng)
        applicant, parent = child.application["applicant"], child.parent
        print(f"applicant    {parent['full_name']}, NIK {parent['nik']}, for the child {applicant['full_name']}, "
              f"NIK {child.nik}, born {applicant['birth_date']} (a KIA: no biometric capture)", flush=True)
        result = walk(child, args.data_dir, adjudicate=False)
        print(f"\napplication id  {result['application_id']}\nreceipt number  {result['receipt_number']}\n"
              f"final status    {result['status']}\ntimeline        {' -> '.join(result['timeline'])}")
        return
    record = args.data_dir / RECORD
    face, fingers, fresh = choose(rng, used_faces(record))
    person = sample_person(rng, face, fingers)
    applicant = person.application["applicant"]
    print(f"applicant    {applicant['full_name']}, NIK {person.nik}; sample face {face}, fingers {fingers[0]} and "
          f"{fingers[1]}", flush=True)
    print("             " + ("not enrolled by an earlier demo" if fresh else
                             "every sample person is enrolled already: expect the 1:N search to suspect a duplicate"),
          flush=True)
    result = walk(person, args.data_dir, adjudicate=True)
    duplicate = result["duplicate"]
    with record.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "face": face,
                              "fingers": list(fingers), "application_id": result["application_id"],
                              "duplicate_of": [c["application_id"] for c in duplicate["candidates"]] if duplicate else [],
                              "decision": duplicate and duplicate["decision"], "status": result["status"]}) + "\n")
    if duplicate:
        matched = [c["application_id"] for c in duplicate["candidates"]]
        verdict = (f"yes, of application{'s' if len(matched) > 1 else ''} {', '.join(matched)}; "
                   f"the adjudicator decided {duplicate['decision']}")
    else:
        verdict = "none: the 1:N search found no one else with this face and these fingers"
    print(f"\napplication id  {result['application_id']}\nreceipt number  {result['receipt_number']}\n"
          f"duplicate       {verdict}\n"
          f"final status    {result['status']}\ntimeline        {' -> '.join(result['timeline'])}")


if __name__ == "__main__":
    main()
