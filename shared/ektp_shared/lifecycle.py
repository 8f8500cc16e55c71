"""The states of a thing and the transitions allowed between them, as data (no I/O).

    CARD = Lifecycle(CardState, {CardState.AWAITING_BIOMETRICS: {CardState.QUEUED_FOR_PRINT}, ...})

A service declares one lifecycle per thing that has states, beside its rules; ``transitions.move`` is the one
way to change a row's state, and it refuses what the table does not list.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

from .refusal import Refused, Why

S = TypeVar("S", bound=enum.Enum)


class IllegalTransition(Refused):
    """The table does not allow the move: the request does not fit the state (or a caller has a bug)."""


class Lifecycle(Generic[S]):
    def __init__(self, states: type[S], transitions: Mapping[S, Iterable[S]], *, state_attribute: str = "state",
                 since_attribute: str = "state_since"):
        self.states = states
        self.transitions = {source: frozenset(targets) for source, targets in transitions.items()}
        self.state_attribute = state_attribute
        self.since_attribute = since_attribute
        named = set(self.transitions) | {s for targets in self.transitions.values() for s in targets}
        if not named <= set(states):
            raise ValueError(f"the transitions name states {states.__name__} lacks: {named - set(states)}")

    @property
    def final(self) -> frozenset[S]:
        """The states nothing leaves."""
        return frozenset(s for s in self.states if not self.transitions.get(s))

    def allows(self, source: S, target: S) -> bool:
        return target in self.transitions.get(source, frozenset())

    def check(self, source: S, target: S) -> None:
        if not self.allows(source, target):
            raise IllegalTransition("state.transition_not_allowed", f"cannot go from {source.value} to {target.value}",
                                    why=Why.CONFLICT)

    def edges(self) -> list[tuple[S, S]]:
        """Every allowed transition, for documentation and tests."""
        return sorted(((s, t) for s, targets in self.transitions.items() for t in targets),
                      key=lambda edge: (list(self.states).index(edge[0]), list(self.states).index(edge[1])))
