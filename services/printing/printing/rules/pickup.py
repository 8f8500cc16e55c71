"""Pickup rules: from when a card can be collected, who may collect it for the applicant under an office's
policy, and when an uncollected card is reminded and reported (no I/O).

Policies, from strict to lenient: `none` (the applicant in person only); `same_kk` (also a family
member on the applicant's family card, KK); `power_of_attorney` (also anyone holding a power of
attorney, surat kuasa, uploaded for this card).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from ektp_shared.calendar import WorkingDays, local_day

NONE, SAME_KK, POWER_OF_ATTORNEY = "none", "same_kk", "power_of_attorney"
POLICIES = (NONE, SAME_KK, POWER_OF_ATTORNEY)
APPLICANT, REPRESENTATIVE = "applicant", "representative"
# What became of the card a replacement replaces: handed in at the counter (withdrawn), or reported lost.
HANDED_IN, REPORTED_LOST = "handed_in", "reported_lost"
# Kinds whose old card the holder still has and must hand in to collect the new one.
_HAND_IN_KINDS = frozenset({"data_change", "replacement_damaged", "move_in", "kia_replacement_damaged"})
# How the collector stands to the applicant, as recorded with the handover.
IN_PERSON, FAMILY, ATTORNEY = "applicant", "family", "attorney"
# What the fingerprint said at the handover.
VERIFIED, OVERRIDDEN, NOT_CHECKED = "verified", "overridden", "not_checked"


class PickupRefused(ValueError):
    """The handover may not happen; `field` names the input that decides it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclasses.dataclass(frozen=True)
class Collector:
    kind: str  # APPLICANT or REPRESENTATIVE
    same_kk: bool = False  # the representative's KK number is the applicant's
    power_of_attorney: bool = False  # a surat kuasa was uploaded for this card
    # What of the person the surat kuasa names matches the one collecting: None when it names them; else the
    # field that differs ("representative.nik" or "representative.name").
    attorney_mismatch: str | None = None


def authorise(policy: str, collector: Collector) -> str:
    """The collector's relation to the applicant (IN_PERSON, FAMILY or ATTORNEY), or PickupRefused."""
    if policy not in POLICIES:
        raise ValueError(f"unknown representative policy {policy!r}")
    if collector.kind == APPLICANT:
        return IN_PERSON
    if policy == NONE:
        raise PickupRefused("collected_by", "this office hands cards to the applicant in person only")
    if collector.same_kk:
        return FAMILY
    if policy == SAME_KK:
        raise PickupRefused("representative.kk_number",
                            "this office hands cards only to the applicant or a family member on the same KK")
    if collector.power_of_attorney:
        if collector.attorney_mismatch:
            raise PickupRefused(collector.attorney_mismatch, "the surat kuasa names another person: the one collecting "
                                                             "must be the representative it names (NIK and name)")
        return ATTORNEY
    raise PickupRefused("surat_kuasa", "a representative outside the applicant's KK needs a power of attorney "
                                       "(surat kuasa) uploaded for this card before the handover")


def attorney_mismatch(named_nik_hash: str | None, named_name: str | None, collector_nik_hash: str | None,
                      collector_name: str | None) -> str | None:
    """Whether the surat kuasa names the one collecting: their NIK, and their name as written (case and spacing
    aside). None when it does; else the field that differs."""
    if named_nik_hash is None or named_nik_hash != collector_nik_hash:
        return "representative.nik"
    if _plain(named_name) != _plain(collector_name) or not _plain(collector_name):
        return "representative.name"
    return None


def _plain(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def old_card(kind: str, stated: str | None) -> str | None:
    """The old card's fate for a card of this kind: a data change, a damaged card or a move-in hands the old card
    in (the operator says so, or the handover is refused); a lost card's loss report stands for it; a first card
    has none."""
    if kind in ("replacement_lost", "kia_replacement_lost"):
        return REPORTED_LOST
    if kind in _HAND_IN_KINDS:
        if stated != HANDED_IN:
            raise PickupRefused("old_card", f"a {kind} card is handed over only against the old card: take it in "
                                            "and send old_card: handed_in")
        return HANDED_IN
    if stated is not None:
        raise PickupRefused("old_card", f"a {kind} card replaces no old card")
    return None


def fingerprint(matches: list[bool], override: str | None) -> str:
    """The fingerprint's say in a handover, from the results of the fingers verified at the desk: one finger
    of the holder's that matched verifies them (a poor first try may be repeated). When every finger tried
    failed, the card goes only with the officer's recorded reason (an injured finger, a representative's
    finger tried by mistake); without one the handover is refused. Checking is the desk's choice: a card
    handed over with no check (a representative, whose fingers are not enrolled) says so."""
    if any(matches):
        return VERIFIED
    if not matches:
        return NOT_CHECKED
    if not (override or "").strip():
        raise PickupRefused("fingerprint_override", "the fingerprint did not match the holder's enrolment: verify "
                                                    "another finger, or record why the card is handed over anyway")
    return OVERRIDDEN


def collectable(pickup_from: dt.date | None, today: dt.date) -> bool:
    """A card is handed over from its announced pickup date (the office's day), not before."""
    return pickup_from is None or today >= pickup_from


def pickup_from(printed_at: dt.datetime, working_days_after: int, zone: str, working_days: WorkingDays) -> dt.date:
    """The first day a card printed at ``printed_at`` can be collected: ``working_days_after`` working days
    later at the office (never a weekend, a public holiday or an announced closure)."""
    return working_days.after(local_day(printed_at, zone), working_days_after)


def reminder_due(pickup_from: dt.date, today: dt.date, sent: int, last_sent: dt.date | None, after_days: int,
                 every_days: int, max_count: int) -> bool:
    """The first reminder `after_days` after the pickup date, then every `every_days`, at most `max_count`."""
    if sent >= max_count or today < pickup_from + dt.timedelta(days=after_days):
        return False
    return last_sent is None or today >= last_sent + dt.timedelta(days=every_days)


def overdue(pickup_from: dt.date, today: dt.date, report_after_days: int) -> bool:
    return today >= pickup_from + dt.timedelta(days=report_after_days)
