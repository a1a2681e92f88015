"""A pre-fork master and two workers under prometheus_client's multiprocess mode (run by
test_gc_incident_exporter.py with PROMETHEUS_MULTIPROC_DIR set). Prints `result ok` or what failed.

The master installs the exporter and collects twice before forking (gunicorn --preload); worker i
sets its own threshold and forces 3 + i full collections. A scrape through MultiProcessCollector
must then show the pause histograms summed over all three processes, and the gauges per live pid;
after a worker dies and is marked dead, its gauges go and its pauses stay in the sums.
"""
import gc
import os
import sys

import gc_incident_exporter as exporter
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client import multiprocess
from prometheus_client.parser import text_string_to_metric_families


def scrape():
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    out = {}
    for family in text_string_to_metric_families(generate_latest(registry).decode()):
        for s in family.samples:
            key = (s.name, s.labels.get('generation'), s.labels.get('pid'))
            out[key] = out.get(key, 0) + s.value
    return out


def worker(index, ready, go):
    gc.set_threshold(1000 + index, 10, 10)
    for _ in range(3 + index):
        gc.collect()
    exporter.flush()
    os.write(ready, b'x')
    os.read(go, 1)  # wait until the master has scraped
    os._exit(0)


def main():
    exporter.install()
    gc.collect()
    gc.collect()
    exporter.flush()
    pids = []
    pipes = []
    for index in range(2):
        ready_r, ready_w = os.pipe()
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            worker(index, ready_w, go_r)
        pids.append(pid)
        pipes.append((ready_r, go_w))
    for ready_r, _ in pipes:
        os.read(ready_r, 1)
    master_pauses = exporter.snapshot()['pause_seconds']['2']['count']
    exporter.flush()
    failures = []
    live = scrape()
    expected = master_pauses + 3 + 4
    got = live.get(('python_gc_pause_seconds_count', '2', None))
    if got != expected:
        failures.append('summed generation-2 pauses %r, expected %d' % (got, expected))
    for index, pid in enumerate(pids):
        threshold = live.get(('python_gc_threshold', '0', str(pid)))
        if threshold != 1000 + index:
            failures.append('worker %d threshold %r' % (pid, threshold))
        if ('python_gc_enabled', None, str(pid)) not in live:
            failures.append('no python_gc_enabled for worker %d' % pid)
    if live.get(('python_gc_threshold', '0', str(os.getpid()))) != gc.get_threshold()[0]:
        failures.append('no threshold for the master')
    # Worker 0 exits; gunicorn's child_exit hook would mark it dead.
    os.write(pipes[0][1], b'x')
    os.waitpid(pids[0], 0)
    multiprocess.mark_process_dead(pids[0])
    after = scrape()
    if ('python_gc_threshold', '0', str(pids[0])) in after:
        failures.append('a dead worker kept its gauges')
    if after.get(('python_gc_pause_seconds_count', '2', None)) != expected:
        failures.append('a dead worker took its pauses with it: %r' % after.get(('python_gc_pause_seconds_count', '2', None)))
    os.write(pipes[1][1], b'x')
    os.waitpid(pids[1], 0)
    exporter.uninstall()
    print('result ' + ('ok' if not failures else '; '.join(failures)))
    print('pauses %d' % expected)


if __name__ == '__main__':
    sys.exit(main())
