"""``make demo``: with ``make run`` going, walk one sample application from the online form to the card in
the citizen's hand, through the public HTTP APIs only, printing each step."""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from .journey import Endpoints, Journey, JourneyError, any_sample_person
from .mailbox import OutboxFolder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=None, help="pick the sample person (default: random)")
    parser.add_argument("--outbox", type=Path, default=Path("var/outbox"),
                        help="where `make run` writes the citizen's SMS and emails (the codes are read there)")
    args = parser.parse_args()
    person = any_sample_person(random.Random(args.seed))
    base = f"http://{args.host}"
    endpoints = Endpoints(*(f"{base}:{port}" for port in (8001, 8002, 8003, 8004, 8005)))
    try:
        result = Journey(endpoints, OutboxFolder(args.outbox), say=lambda line: print(line, flush=True)).run(person)
    except JourneyError as exc:
        print(f"demo stopped: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
    print(f"\napplication id  {result['application_id']}\nreceipt number  {result['receipt_number']}\n"
          f"final status    {result['status']}\ntimeline        {' -> '.join(result['timeline'])}")


if __name__ == "__main__":
    main()
