"""Sizes a national deployment from what one application costs (``python benchmarks/capacity.py``; the output is
docs/capacity.md's tables).

The costs per application and per service come from the journey benchmark (benchmarks/journey_bench.py writes
benchmarks/capacity/per_application.json): CPU-seconds of each service's API and worker, database rows and
bytes, object bytes and events. The load, the headroom and the biometric search are assumptions, stated in
ASSUMPTIONS and printed with the result, so a reader can change one and run it again (``--set name=value``).
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

MEASURED = Path(__file__).resolve().parent / "capacity" / "per_application.json"

ASSUMPTIONS = {
    "cards_per_year": (5_000_000, "new and replacement e-KTP applications a year"),
    "peak_month_factor": (3.0, "the busiest month against the average month"),
    "working_days_per_month": (21, "office days in a month"),
    "busy_hours_per_day": (8, "hours in which citizens apply and offices work"),
    "peak_hour_factor": (2.0, "the busiest hour against the day's average hour"),
    "offices": (514, "regency/city Disdukcapil offices"),
    "capture_minutes": (10, "a biometric capture at the counter (ten fingers, face, iris optional)"),
    "cards_per_printer_hour": (100, "cards a retransfer card printer prints in an hour"),
    "gallery_identities": (200_000_000, "identities the 1:N search covers, at full size"),
    "index_penetration": (0.001, "share of the gallery the fingerprint index passes to full matching (issue 13)"),
    "finger_matches_per_core_second": (2_221, "MCC matches per second on one core (make bench, biometrics)"),
    "fingers_matched_per_candidate": (2, "fingers fully matched per candidate"),
    "template_bytes_per_identity": (12_000, "ten finger templates and a face template, encrypted, in memory"),
    "target_cpu_utilisation": (0.5, "planned CPU use of a replica at the peak hour (the rest is headroom)"),
    "cores_per_replica": (1.0, "cores requested per API or worker replica"),
    "minimum_replicas": (2, "replicas per Deployment at least (a node can fail)"),
    "storage_replication": (3, "copies the object store and the databases keep (3 nodes / 2 standbys)"),
    "document_years": (1, "years documents stay before retention removes them or they move to archive"),
}


def load_assumptions(overrides: list[str]) -> dict[str, float]:
    values = {name: value for name, (value, _) in ASSUMPTIONS.items()}
    for override in overrides:
        name, _, value = override.partition("=")
        if name not in values:
            raise SystemExit(f"unknown assumption {name!r}; known: {', '.join(values)}")
        values[name] = float(value)
    return values


def peak_per_second(a: dict[str, float]) -> float:
    per_month = a["cards_per_year"] / 12 * a["peak_month_factor"]
    per_busy_hour = per_month / a["working_days_per_month"] / a["busy_hours_per_day"]
    return per_busy_hour * a["peak_hour_factor"] / 3600


def replicas(cpu_seconds_per_second: float, a: dict[str, float]) -> int:
    needed = cpu_seconds_per_second / (a["cores_per_replica"] * a["target_cpu_utilisation"])
    return max(int(a["minimum_replicas"]), math.ceil(needed))


def size(costs: dict[str, dict[str, float]], a: dict[str, float]) -> dict:
    rate = peak_per_second(a)
    per_year = a["cards_per_year"]
    services = {}
    for service, cost in costs.items():
        services[service] = {
            "cpu_s_per_application": cost["cpu_seconds"], "peak_cores": round(rate * cost["cpu_seconds"], 2),
            "replicas": replicas(rate * cost["cpu_seconds"], a),
            "db_rows_per_year": int(cost["db_rows"] * per_year),
            "db_gb_per_year": round(cost["db_bytes"] * per_year / 1e9, 1),
            "objects_gb_per_year": round(cost["object_bytes"] * per_year / 1e9, 1),
            "events_per_second_at_peak": round(rate * cost["messages"], 1)}
    candidates = a["gallery_identities"] * a["index_penetration"]
    search_core_seconds = candidates * a["fingers_matched_per_candidate"] / a["finger_matches_per_core_second"]
    matcher_cores = rate * search_core_seconds / a["target_cpu_utilisation"]
    gallery_gb = a["gallery_identities"] * a["template_bytes_per_identity"] / 1e9
    peak_day_per_office = rate * 3600 * a["busy_hours_per_day"] / a["peak_hour_factor"] / a["offices"]
    offices = {"applications_per_peak_day": round(peak_day_per_office),
               "capture_stations": math.ceil(peak_day_per_office * a["capture_minutes"] / 60 / a["busy_hours_per_day"]),
               "card_printers": max(1, math.ceil(peak_day_per_office / a["cards_per_printer_hour"] / a["busy_hours_per_day"]))}
    objects = sum(s["objects_gb_per_year"] for s in services.values()) * a["document_years"]
    databases = sum(s["db_gb_per_year"] for s in services.values())
    return {
        "peak_applications_per_second": round(rate, 2),
        "services": services,
        "matchers": {"candidates_per_search": int(candidates), "core_seconds_per_search": round(search_core_seconds, 1),
                     "cores_at_peak": math.ceil(matcher_cores), "gallery_gb_in_memory": round(gallery_gb),
                     "shards_of_64_gb": math.ceil(gallery_gb / 48)},
        "office": offices,
        "broker": {"events_per_second_at_peak": round(sum(s["events_per_second_at_peak"] for s in services.values()), 1)},
        "storage": {"objects_tb_stored": round(objects * a["storage_replication"] / 1000, 1),
                    "databases_tb_per_year": round(databases * a["storage_replication"] / 1000, 2)},
    }


def markdown(measured: dict, a: dict[str, float], sized: dict) -> str:
    lines = [f"Measured: {measured['measured']}, {measured['applications']} applications through the real profile "
             f"({measured['concurrency']} at a time). Peak load: **{sized['peak_applications_per_second']} applications/s**.",
             "", "| service | CPU-s / application | cores at peak | replicas (API + worker) | DB rows / year | DB GB / year | objects GB / year "
             "| events/s at peak |", "|---|---|---|---|---|---|---|---|"]
    for name, s in sized["services"].items():
        lines.append(f"| {name} | {s['cpu_s_per_application']} | {s['peak_cores']} | {s['replicas']} | "
                     f"{s['db_rows_per_year']:,} | {s['db_gb_per_year']} | {s['objects_gb_per_year']} | "
                     f"{s['events_per_second_at_peak']} |")
    m, b, st, o = sized["matchers"], sized["broker"], sized["storage"], sized["office"]
    lines += ["", f"- **Each office** on a peak day: {o['applications_per_peak_day']} applications, "
                  f"{o['capture_stations']} capture stations, {o['card_printers']} card printer(s) (plus one spare).","", f"- **1:N matchers** at {a['gallery_identities']:,.0f} identities: {m['candidates_per_search']:,} "
                  f"candidates a search after the index, {m['core_seconds_per_search']} core-seconds each, "
                  f"**{m['cores_at_peak']} cores** at the peak; the gallery needs {m['gallery_gb_in_memory']:,} GB of "
                  f"memory, {m['shards_of_64_gb']} shards on 64 GB nodes (48 GB for templates).",
              f"- **Broker**: {b['events_per_second_at_peak']} events/s at the peak (one 3-node quorum-queue cluster of "
              "2 cores each carries thousands a second: the bus is not the limit).",
              f"- **Storage**: objects {st['objects_tb_stored']} TB stored ({a['storage_replication']:.0f} copies, "
              f"{a['document_years']:.0f} year of documents); databases {st['databases_tb_per_year']} TB a year with "
              "their standbys.", "", "Assumptions:", ""]
    lines += [f"- `{name}` = {a[name]:,} — {why}" for name, (_, why) in ASSUMPTIONS.items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="change an assumption")
    parser.add_argument("--json", action="store_true", help="print the sizing as JSON")
    args = parser.parse_args()
    measured = json.loads(MEASURED.read_text())
    a = load_assumptions(args.set)
    sized = size(measured["per_service"], a)
    print(json.dumps(sized, indent=2) if args.json else markdown(measured, a, sized))


if __name__ == "__main__":
    main()
