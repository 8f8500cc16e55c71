"""The capacity table: the scale benchmark's measurements (benchmarks/biometrics/scale.json) extrapolated to a
national gallery. Arithmetic, not a measurement; it says which figure it rests on.

    python benchmarks/biometrics_capacity.py   # writes benchmarks/biometrics/capacity.md

Model. One IDENTIFY costs, in CPU, a part that grows with the identities searched (the fingerprint index's
AND/popcount over every enrolled finger, the face's matrix-vector product) and a fixed part per shard
(full matching of its `finger_candidates` best and its face shortlist): cpu(N) = a * N + b per shard,
fitted on the one-shard rows. With P shards of S = N / P identities, each on its own core, a decision waits
a * S + b and costs a * N + P * b of CPU; memory is m * S per shard, m measured per identity.
"""
from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "biometrics"
NATION = 200_000_000
SHARD_SIZES = (1_000_000, 2_000_000, 5_000_000)
ENROLMENTS_PER_YEAR = 5_000_000  # new cards and replacements, order of magnitude


def fit(rows: list[dict]) -> tuple[float, float, float]:
    """(a ms per identity, b ms per shard, m bytes per identity) from the one-shard rows."""
    one = sorted((r for r in rows if r["shards"] == 1), key=lambda r: r["identities"])
    small, large = one[0], one[-1]
    a = (large["cpu_ms_p50_this_process"] - small["cpu_ms_p50_this_process"]) / max(
        large["identities"] - small["identities"], 1)
    b = max(small["cpu_ms_p50_this_process"] - a * small["identities"], 0.0)
    m = large["rss_growth_mb"] * 1024 * 1024 / large["identities"]
    return max(a, 0.0), b, m


def table(rows: list[dict]) -> str:
    a, b, m = fit(rows)
    out = [f"Fitted on the one-shard rows: a = {a * 1e6:.1f} ms per million identities, b = {b:.0f} ms per shard, "
           f"m = {m / 1024:.1f} KB per identity (resident memory growth at the largest size).", "",
           "| shard size | shards for 200M | IDENTIFY wait (a·S + b) | memory per shard | CPU per decision | "
           "decisions per hour per 100 cores | cores for 5M enrolments a year (at 20 % utilisation) |",
           "|---|---|---|---|---|---|---|"]
    for size in SHARD_SIZES:
        shards = NATION // size
        wait = a * size + b
        cpu = a * NATION + shards * b
        per_hour = 100 * 3_600_000 / cpu
        cores = ENROLMENTS_PER_YEAR / (365 * 24) * cpu / 3_600_000 / 0.2
        out.append(f"| {size:,} | {shards} | {wait / 1000:.2f} s | {m * size / 2**30:.1f} GiB | {cpu / 1000:.0f} s | "
                   f"{per_hour:,.0f} | {max(cores, shards):,.0f} |")
    out += ["", "Cores are at least one per shard (every shard answers every IDENTIFY). Deduplicating the existing "
            "200M against each other once is 200M decisions: at the CPU per decision above, divide by the cores "
            "given to it."]
    return "\n".join(out)


CAVEATS = """The fixed part b is paid by every shard because each fully matches its own best candidates: a
two-phase search (the shards return index scores, the best 100 over all shards are then matched by their
owners) would pay it once per decision (at 200 shards, about a * N + b instead of a * N + P * b). Not built.
m is the peak growth of the benchmark's process while it built the gallery (bulk lists included), so steady
memory is lower. Read the run's own note in scale.json: on a loaded machine CPU times are inflated too."""


def main() -> None:
    data = json.loads((OUT / "scale.json").read_text())
    text = "# Capacity: the 1:N gallery at 200 million identities\n\n" + __doc__.split("\n\n", 2)[2] + "\n" + \
        table(data["rows"]) + "\n\n" + CAVEATS + "\n\nRun: " + data.get("note", "") + "\n\nMeasured on: " + \
        json.dumps(data["machine"]) + "\n"
    (OUT / "capacity.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
