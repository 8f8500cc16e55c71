"""What the chaos run proves once everything has settled, each as a count a person can check."""
from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

from kombu import Connection
from sqlalchemy import create_engine, text

from ektp_shared.identity.contact import EMAIL, SMS

from ..mailbox import Peers
from .load import Driven, ServerErrors

MILESTONES = 4  # submitted, appointment scheduled, ready for pickup, collected: each by SMS and by email


def is_code(text: str) -> bool:
    return text.startswith("Kode verifikasi") or "Kode verifikasi" in text[:200]


@dataclasses.dataclass
class Results:
    applications: int = 0
    final: int = 0
    not_final: list[str] = dataclasses.field(default_factory=list)
    messages: int = 0
    duplicate_messages: int = 0
    missing_messages: int = 0
    cards: int = 0
    duplicate_cards: int = 0
    missing_cards: int = 0
    parked: dict[str, int] = dataclasses.field(default_factory=dict)
    planted: int = 0
    outbox_backlog: dict[str, int] = dataclasses.field(default_factory=dict)
    server_errors: int = 0
    unexpected_server_errors: list[str] = dataclasses.field(default_factory=list)
    dropped_connections: int = 0

    @property
    def lost(self) -> int:
        return len(self.not_final) + self.missing_messages + self.missing_cards

    @property
    def passed(self) -> bool:
        return (self.final == self.applications and not self.duplicate_messages and not self.missing_messages
                and not self.duplicate_cards and not self.missing_cards and sum(self.parked.values()) == self.planted
                and not any(self.outbox_backlog.values()) and not self.unexpected_server_errors)


def messages(peers: Peers, driven: list[Driven], results: Results) -> None:
    for item in driven:
        contact = item.person.application["contact"]
        for channel, address in ((SMS, contact["phone"]), (EMAIL, contact["email"])):
            sent = [t for t in peers.texts(channel, address) if not is_code(t)]
            results.messages += len(sent)
            results.duplicate_messages += max(0, len(sent) - MILESTONES)
            results.missing_messages += max(0, MILESTONES - len(sent))


def cards(printed: Path, printing_database: str, driven: list[Driven], results: Results) -> None:
    """One good card per application: the emulator's output (``<job>-<attempt>.png``) mapped to applications."""
    engine = create_engine(printing_database)
    with engine.connect() as connection:
        jobs = dict(connection.execute(text("SELECT id, application_id FROM print_jobs")).all())
    engine.dispose()
    per_application = Counter(jobs.get(path.stem.rsplit("-", 1)[0]) for path in printed.glob("*.png"))
    results.cards = sum(per_application.values())
    for item in driven:
        count = per_application.get(item.application_id, 0)
        results.duplicate_cards += max(0, count - 1)
        results.missing_cards += 0 if count else 1


def parked(broker_url: str, namespace: str, services: list[str], results: Results) -> None:
    with Connection(broker_url) as connection:
        channel = connection.channel()
        for service in services:
            queue = f"{namespace}.{service}.parking"
            results.parked[service] = channel.queue_declare(queue, passive=True).message_count


def outboxes(databases: dict[str, str], results: Results) -> None:
    for service, url in databases.items():
        engine = create_engine(url)
        with engine.connect() as connection:
            results.outbox_backlog[service] = connection.execute(
                text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar_one()
        engine.dispose()


def server_errors(errors: ServerErrors, results: Results) -> None:
    results.server_errors = len(errors.answers)
    results.unexpected_server_errors = [f"{route}: {status}" for _, route, status, _ in errors.unexpected]
    results.dropped_connections = errors.dropped
