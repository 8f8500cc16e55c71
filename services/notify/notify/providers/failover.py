"""Provider failover: the providers of a channel are tried in their configured order until one takes
the message. Every try is reported, so the delivery log and the metrics show which provider failed and why."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from notify.providers.base import Message, Provider, ProviderError

ACCEPTED = "accepted"
FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class Attempt:
    provider: str
    outcome: str  # ACCEPTED or FAILED
    reason: str = ""  # empty when accepted; never personal data
    permanent: bool = False
    message_ids: tuple[str, ...] = ()
    parts: int = 0


@dataclasses.dataclass(frozen=True)
class Delivery:
    attempts: tuple[Attempt, ...]

    @property
    def accepted(self) -> Attempt | None:
        return next((attempt for attempt in self.attempts if attempt.outcome == ACCEPTED), None)

    @property
    def ok(self) -> bool:
        return self.accepted is not None

    @property
    def reason(self) -> str:
        """Why no provider took it, e.g. "smpp: connection refused; gateway: http 503"."""
        return "; ".join(f"{attempt.provider}: {attempt.reason}" for attempt in self.attempts if attempt.outcome == FAILED)

    @property
    def permanent(self) -> bool:
        """Every provider refused the message itself, so retrying later cannot help."""
        return not self.ok and all(attempt.permanent for attempt in self.attempts)


class Failover:
    def __init__(self, channel: str, providers: Sequence[Provider]) -> None:
        if not providers:
            raise ValueError(f"no {channel} provider configured")
        wrong = [provider.name for provider in providers if provider.channel != channel]
        if wrong:
            raise ValueError(f"not {channel} providers: {', '.join(wrong)}")
        names = [provider.name for provider in providers]
        if len(set(names)) != len(names):
            raise ValueError(f"provider names repeat: {', '.join(names)}")
        self.channel = channel
        self.providers = tuple(providers)

    def send(self, message: Message) -> Delivery:
        if message.channel != self.channel:
            raise ValueError(f"{message.channel} message given to the {self.channel} providers")
        attempts: list[Attempt] = []
        for provider in self.providers:
            try:
                accepted = provider.send(message)
            except ProviderError as error:
                attempts.append(Attempt(provider.name, FAILED, error.reason, error.permanent))
                continue
            attempts.append(Attempt(provider.name, ACCEPTED, message_ids=accepted.message_ids, parts=accepted.parts))
            break
        return Delivery(tuple(attempts))

    def close(self) -> None:
        for provider in self.providers:
            provider.close()


def failover(channel: str, order: str | Sequence[str], providers: Mapping[str, Provider]) -> Failover:
    """The failover chain from configuration: `order` is "smpp,gateway" or a list of provider names."""
    names = [name.strip() for name in order.split(",")] if isinstance(order, str) else [name.strip() for name in order]
    names = [name for name in names if name]
    unknown = [name for name in names if name not in providers]
    if unknown:
        raise ValueError(f"unknown {channel} providers: {', '.join(unknown)}; known: {', '.join(sorted(providers))}")
    return Failover(channel, [providers[name] for name in names])
