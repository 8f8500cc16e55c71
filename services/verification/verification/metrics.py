"""Business gauges of verification, read from its database at scrape time: cases per state and how long
the oldest has waited in it (a stuck queue shows as a growing age)."""
from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from ektp_shared.db import utcnow
from ektp_shared.metrics import ScrapeCollector
from ektp_shared.service import Runtime

from .decisions import FINAL, CaseState
from .models import Case


def case_collector(runtime: Runtime) -> ScrapeCollector:
    def collect() -> Iterable[GaugeMetricFamily]:
        count = GaugeMetricFamily("ektp_cases", "Verification cases in each state.", labels=["state"])
        oldest = GaugeMetricFamily("ektp_case_oldest_seconds",
                                   "Time the longest-waiting case has been in each open state.", labels=["state"])
        with runtime.engine.connect() as connection:
            rows = {row.state: row for row in connection.execute(
                select(Case.state, func.count().label("n"), func.min(Case.state_since).label("since"))
                .group_by(Case.state))}
        now = utcnow()
        for state in CaseState:
            row = rows.get(state.value)
            count.add_metric([state.value], row.n if row else 0)
            if state not in FINAL:
                since = row.since if row else None
                if since is not None and since.tzinfo is None:
                    since = since.replace(tzinfo=now.tzinfo)
                oldest.add_metric([state.value], max(0.0, (now - since).total_seconds()) if since else 0)
        yield count
        yield oldest

    return ScrapeCollector(collect)
