"""Onboarding at platform size: seconds per distributor as schemas accumulate, with and without spare
schemas, and a web process's memory across requests to every distributor's host (targets: at most 1 s
with spares, at most 3 s without, memory flat).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mfd REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python benchmarks/tenant_create.py [--distributors 500] [--with-spares 10]

Each creation is the whole service (`distributor_create`): validation, a schema (a spare renamed, or the
template cloned), domain, branding, the owner account and the per-tenant hooks, in one transaction.
1. `--distributors` are created in a row without spares (the fallback: the template is cloned during
   onboarding); the first and last tenth are compared, to show whether cloning grows with the schemas;
2. `--with-spares` spares are cloned (timed apart: background work), then as many distributors created;
3. every distributor's host is asked for its brand twice through the WSGI handler in this process; the
   resident memory after the second round against the first shows whether a worker grows per host.
The background replenishment after each onboarding is switched off: this script makes spares itself.
Runs in a scratch database (benchmarks/scratch.py), dropped at the end."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
TARGET_SPARES, TARGET_CLONING = 1.0, 3.0


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _create(n: int) -> float:
    from benchmarks.scratch import distributor_ready

    started = time.perf_counter()
    distributor_ready(n)
    return time.perf_counter() - started


def _memory_rounds(hosts: list[str]) -> tuple[float, float, float, int]:
    """(RSS before, after one round, after a second round, hosts held by the lookup cache)."""
    from django.test import Client

    from tenants.lookup import tenant_lookup_cached_hosts

    client = Client()
    before = _rss_mb()
    rounds = []
    for _ in range(2):
        for host in hosts:
            response = client.get("/api/v1/branding", HTTP_HOST=host)
            assert response.status_code == 200, (host, response.status_code)
        rounds.append(_rss_mb())
    return before, rounds[0], rounds[1], tenant_lookup_cached_hosts()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--distributors", type=int, default=500)
    parser.add_argument("--with-spares", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    from benchmarks.scratch import django_setup, platform_ready, scratch_database

    with scratch_database(keep=args.keep):
        django_setup()
        from django.conf import settings
        from django.db import connection

        from tenants import services
        from tenants.schema_template import spare_schemas_drop_all, spare_schemas_replenish

        services._spare_schemas_replenish_later = lambda: None  # this script makes the spares
        started = time.perf_counter()
        platform_ready()
        template_seconds = time.perf_counter() - started
        spare_schemas_drop_all()

        cloning = []
        for n in range(1, args.distributors + 1):
            cloning.append(_create(n))
            if n % 50 == 0:
                print(f"  {n} distributors, last one {cloning[-1]:.2f} s", flush=True)
        started = time.perf_counter()
        made = spare_schemas_replenish(target=args.with_spares)
        per_spare = (time.perf_counter() - started) / max(made, 1)
        spares = [_create(args.distributors + n) for n in range(1, args.with_spares + 1)]
        hosts = [f"bench{n}.localhost" for n in range(1, args.distributors + args.with_spares + 1)]
        settings.ALLOWED_HOSTS = ["*"]
        before, first_round, second_round, cached = _memory_rounds(hosts)
        connection.set_schema_to_public()

    tenth = max(len(cloning) // 10, 1)
    early, late = statistics.median(cloning[1 : tenth + 1]), statistics.median(cloning[-tenth:])
    print(f"template schema migration (once per release): {template_seconds:.1f} s")
    print(f"without spares (cloning during onboarding), {len(cloning)} distributors in a row:")
    print(
        f"  median of the first tenth {early:.3f} s, of the last tenth {late:.3f} s "
        f"(x{late / early:.2f}); max {max(cloning):.3f} s"
    )
    print(
        f"with spares ready: median {statistics.median(spares):.3f} s, max {max(spares):.3f} s "
        f"(a spare costs {per_spare:.3f} s in the background)"
    )
    print(
        f"memory over {len(hosts)} hosts: {before:.0f} MB before, {first_round:.0f} MB after one round, "
        f"{second_round:.0f} MB after two; the lookup cache holds {cached} hosts "
        f"(bound {settings.TENANT_LOOKUP_CACHE_SIZE})"
    )
    met = {
        "with_spares": max(spares) <= TARGET_SPARES,
        "cloning": max(cloning[1:] or cloning) <= TARGET_CLONING,
        "memory_flat": second_round - first_round < 5,
    }
    print(
        json.dumps(
            {
                "benchmark": "tenant_create",
                "distributors": len(hosts),
                "cloning_first_tenth_median_s": round(early, 3),
                "cloning_last_tenth_median_s": round(late, 3),
                "cloning_max_s": round(max(cloning), 3),
                "with_spares_median_s": round(statistics.median(spares), 3),
                "with_spares_max_s": round(max(spares), 3),
                "spare_clone_s": round(per_spare, 3),
                "rss_mb": {"before": round(before), "round_1": round(first_round), "round_2": round(second_round)},
                "lookup_cached_hosts": cached,
                "targets": {"with_spares_s": TARGET_SPARES, "cloning_s": TARGET_CLONING, "memory": "flat"},
                "met": met,
            }
        )
    )
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
