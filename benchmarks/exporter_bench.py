"""Run by benchmarks/exporter.bench.ts: the exporter's cost on this interpreter, as JSON.

callback: ns added per collection by install() (a gc.collect(0) loop with and without it,
interleaved rounds, median), next to a peer: a plain prometheus_client Histogram observed from
gc.callbacks (what prometheus_client dropped). scrape: generate_latest() of a registry holding
only the exporter's collector (3 generations), next to prometheus_client's own GCCollector.
"""
import gc
import json
import statistics
import sys
import time

import gc_incident_exporter as exporter

N = 20000
ROUNDS = 7


def loop():
    collect = gc.collect
    started = time.perf_counter_ns()
    for _ in range(N):
        collect(0)
    return (time.perf_counter_ns() - started) / N


def median_overhead(setup, teardown):
    bare, hooked = [], []
    for _ in range(ROUNDS):
        bare.append(loop())
        setup()
        hooked.append(loop())
        teardown()
    return statistics.median(bare), statistics.median(hooked) - statistics.median(bare)


def main():
    from prometheus_client import CollectorRegistry, Histogram, generate_latest
    from prometheus_client.gc_collector import GCCollector

    gc.disable()
    bare, ours = median_overhead(lambda: exporter.install(registry=CollectorRegistry()), exporter.uninstall)
    naive_hist = Histogram('naive_gc_pause_seconds', 'peer', ['generation'], registry=CollectorRegistry())
    started = {}

    def naive(phase, info):
        if phase == 'start':
            started['t'] = time.perf_counter()
        else:
            naive_hist.labels(str(info['generation'])).observe(time.perf_counter() - started['t'])

    _, peer = median_overhead(lambda: gc.callbacks.append(naive), lambda: gc.callbacks.remove(naive))
    registry = CollectorRegistry()
    exporter.install(registry=registry)
    for g in (0, 1, 2):
        gc.collect(g)
    peer_registry = CollectorRegistry()
    GCCollector(registry=peer_registry)

    def scrape_cost(reg):
        costs = []
        for _ in range(ROUNDS):
            t = time.perf_counter_ns()
            for _ in range(500):
                generate_latest(reg)
            costs.append((time.perf_counter_ns() - t) / 500)
        return statistics.median(costs)

    scrape = scrape_cost(registry)
    peer_scrape = scrape_cost(peer_registry)
    exporter.uninstall()
    print(json.dumps({
        'python': '.'.join(map(str, sys.version_info[:3])),
        'bare_collect0_ns': bare,
        'callback_ns_per_collection': ours,
        'peer_callback_ns_per_collection': peer,
        'scrape_us': scrape / 1000,
        'peer_scrape_us': peer_scrape / 1000,
    }))


if __name__ == '__main__':
    main()
