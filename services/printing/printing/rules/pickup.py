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
# How the collector stands to the applicant, as recorded with the handover.
IN_PERSON, FAMILY, ATTORNEY = "applicant", "family", "attorney"


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
        return ATTORNEY
    raise PickupRefused("surat_kuasa", "a representative outside the applicant's KK needs a power of attorney "
                                       "(surat kuasa) uploaded for this card before the handover")


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
