"""Business gauges of intake, read from its database at scrape time."""
from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from ektp_shared.db import utcnow
from ektp_shared.metrics import ScrapeCollector
from ektp_shared.service import Runtime

from .models import Application
from .status import FINAL_STAGES, Stage


def stage_collector(runtime: Runtime) -> ScrapeCollector:
    def collect() -> Iterable[GaugeMetricFamily]:
        count = GaugeMetricFamily("ektp_applications", "Applications currently in each stage.", labels=["stage"])
        oldest = GaugeMetricFamily("ektp_application_oldest_in_stage_seconds",
                                   "Age of the longest-waiting application in each open stage (stuck applications).",
                                   labels=["stage"])
        with runtime.engine.connect() as connection:
            rows = {row.status: row for row in connection.execute(
                select(Application.status, func.count().label("n"), func.min(Application.status_since).label("since"))
                .group_by(Application.status))}
        now = utcnow()
        for stage in Stage:
            row = rows.get(stage.value)
            count.add_metric([stage.value], row.n if row else 0)
            if stage not in FINAL_STAGES:
                since = row.since if row else None
                if since is not None and since.tzinfo is None:
                    since = since.replace(tzinfo=now.tzinfo)
                oldest.add_metric([stage.value], (now - since).total_seconds() if since else 0)
        yield count
        yield oldest

    return ScrapeCollector(collect)
