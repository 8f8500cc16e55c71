"""Each office's policy: who may collect a card for the applicant, when its stock is low, whether an
operator inspects every card. Offices without a policy of their own follow the service's settings."""
from __future__ import annotations

import dataclasses
import datetime as dt

from ektp_shared.refusal import Refused
from ektp_shared.uow import UnitOfWork

from .models import OfficePolicy
from .rules.pickup import POLICIES


@dataclasses.dataclass(frozen=True)
class Policy:
    office_code: str
    representative: str
    low_stock_threshold: int
    qc_by_operator: bool
    own: bool  # False: the service's defaults


def defaults(office_code: str, settings) -> Policy:
    return Policy(office_code, settings.representative_policy, settings.low_stock_threshold, settings.qc_by_operator,
                  own=False)


def policy_of(uow: UnitOfWork, office_code: str, settings) -> Policy:
    row = uow.session.get(OfficePolicy, office_code)
    if row is None:
        return defaults(office_code, settings)
    return Policy(office_code, row.representative, row.low_stock_threshold, row.qc_by_operator, own=True)


def set_policy(uow: UnitOfWork, office_code: str, representative: str, low_stock_threshold: int, qc_by_operator: bool,
               actor: str, now: dt.datetime) -> Policy:
    if representative not in POLICIES:
        raise Refused("validation_failed", f"representative must be one of {', '.join(POLICIES)}", field="representative")
    row = uow.session.get(OfficePolicy, office_code)
    if row is None:
        row = OfficePolicy(office_code=office_code)
        uow.session.add(row)
    row.representative, row.low_stock_threshold, row.qc_by_operator = representative, low_stock_threshold, qc_by_operator
    row.updated_at, row.updated_by = now, actor[:80]
    return Policy(office_code, representative, low_stock_threshold, qc_by_operator, own=True)
