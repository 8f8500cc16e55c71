"""What a running real-profile cluster has spent, per service: CPU-seconds of its API and worker processes (with
their children: gunicorn's workers), rows and bytes in its database, bytes in its bucket, and events its relay
published. The journey benchmark reads it before and after a batch of applications; the difference divided by
the applications is the cost of one application, which benchmarks/capacity.py scales to a nation."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import psutil
import requests
from minio import Minio
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text


@dataclass
class Spent:
    cpu_seconds: float
    db_rows: int
    db_bytes: int
    object_bytes: int
    messages: int

    def minus(self, earlier: Spent) -> Spent:
        return Spent(*(a - b for a, b in zip(asdict(self).values(), asdict(earlier).values())))

    def per(self, count: int) -> dict[str, float]:
        return {name: round(value / count, 4) for name, value in asdict(self).items()}


def cpu_seconds(pid: int) -> float:
    """User + system time of a process and all its children, the living and the reaped."""
    try:
        process = psutil.Process(pid)
        spent = process.cpu_times()
        total = spent.user + spent.system + spent.children_user + spent.children_system
        for child in process.children(recursive=True):
            try:
                times = child.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                continue
        return total
    except psutil.NoSuchProcess:
        return 0.0


def database(url: str) -> tuple[int, int]:
    """Live rows in every table, and the database's size on disk."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables")).scalar()
        size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return int(rows), int(size)


def bucket_bytes(s3: Minio, bucket: str) -> int:
    if not s3.bucket_exists(bucket):
        return 0
    return sum(item.size or 0 for item in s3.list_objects(bucket, recursive=True))


def published(metrics_url: str) -> int:
    body = requests.get(metrics_url, timeout=10).text
    return int(sum(sample.value for family in text_string_to_metric_families(body)
                   if family.name == "ektp_events_published" for sample in family.samples
                   if sample.name == "ektp_events_published_total"))


def snapshot(cluster, databases: dict[str, str], s3: Minio) -> dict[str, Spent]:
    """Each service's spending so far. Statistics of PostgreSQL lag a little: call after a short pause."""
    spent = {}
    for service in cluster.specs:
        cpu = cpu_seconds(cluster.apis[service].pid) + cpu_seconds(cluster.workers[service].pid)
        rows, size = database(databases[service])
        spent[service] = Spent(round(cpu, 3), rows, size, bucket_bytes(s3, f"ektp-{service}"),
                               published(cluster.worker_metrics_url(service)))
    return spent
