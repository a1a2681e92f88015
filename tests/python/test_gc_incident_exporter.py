"""Tests of python/gc_incident_exporter.py on the interpreter that runs them (3.8 to 3.15).

Run by tests/python/exporter.test.ts on every CPython found, with python/ (and a lent
prometheus_client for pyenv interpreters) on PYTHONPATH. GC_EXPORTER_DEADLOCK_SECONDS sets how
long the deadlock test runs (default 2); GC_EXPORTER_DEADLOCK_RUNS how many times in a row.
"""
import faulthandler
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import gc_incident_exporter as exporter

try:
    from prometheus_client import CollectorRegistry, Histogram, generate_latest
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    CollectorRegistry = None

HERE = os.path.dirname(os.path.abspath(exporter.__file__))


class Node(object):
    __slots__ = ('ref', '__weakref__')


def make_cycles(n):
    for _ in range(n):
        a = Node()
        b = Node()
        a.ref = b
        b.ref = a


def samples(registry):
    """{(name, generation label or None): value} from the registry's text exposition."""
    out = {}
    text = generate_latest(registry).decode()
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, s.labels.get('generation'), s.labels.get('le'))] = s.value
    return text, out


class ExporterTest(unittest.TestCase):
    def tearDown(self):
        exporter.uninstall()
        gc.enable()

    @unittest.skipIf(CollectorRegistry is None, 'prometheus_client is not importable here')
    def test_exposition_after_five_full_collections(self):
        from prometheus_client import REGISTRY
        self.assertTrue(exporter.install(registry=REGISTRY))
        for _ in range(5):
            gc.collect()
        text, values = samples(REGISTRY)
        self.assertGreaterEqual(values[('python_gc_pause_seconds_count', '2', None)], 5)
        self.assertIn('python_gc_pause_seconds_bucket{generation="2",le="5e-05"}', text)
        self.assertIn('python_gc_pause_seconds_bucket{generation="2",le="10.0"}', text)
        self.assertEqual(values[('python_gc_threshold', '0', None)], gc.get_threshold()[0])
        self.assertEqual(values[('python_gc_enabled', None, None)], 1)
        self.assertEqual(values[('python_gc_frozen_objects', None, None)], gc.get_freeze_count())
        self.assertIn(('python_gc_pending_objects', '0', None), values)
        # prometheus_client's GC collector is in the default registry: no duplicate counters.
        self.assertNotIn(('python_gc_collected_objects_total', '0', None), values)
        if os.path.exists('/proc/self/smaps_rollup'):  # Linux, and not a chroot without /proc
            self.assertGreater(values[('process_private_memory_bytes', None, None)], 0)
        else:
            self.assertNotIn(('process_private_memory_bytes', None, None), values)

    @unittest.skipIf(CollectorRegistry is None, 'prometheus_client is not importable here')
    def test_counts_equal_get_stats_deltas(self):
        registry = CollectorRegistry()
        gc.disable()  # no collection between the snapshot and the callback's installation
        before = gc.get_stats()
        exporter.install(registry=registry)
        gc.enable()
        make_cycles(30000)
        for generation in (0, 1, 2, 0):
            make_cycles(500)
            gc.collect(generation)
        gc.set_debug(gc.DEBUG_SAVEALL)  # collected objects land in gc.garbage
        make_cycles(100)
        gc.collect()
        gc.set_debug(0)
        del gc.garbage[:]
        gc.disable()
        exporter.uninstall()
        after = gc.get_stats()
        gc.enable()
        snap = exporter.snapshot()
        automatic = 0
        for g in range(3):
            collections = after[g]['collections'] - before[g]['collections']
            self.assertEqual(snap['pause_seconds'][str(g)]['count'], collections, 'generation %d' % g)
            self.assertEqual(snap['collected_objects'][str(g)], after[g]['collected'] - before[g]['collected'])
            self.assertEqual(snap['uncollectable_objects'][str(g)],
                             after[g]['uncollectable'] - before[g]['uncollectable'])
            automatic += collections
        self.assertGreater(automatic, 5, 'the workload ran automatic collections')
        self.assertGreater(snap['collected_objects']['0'], 0)

    @unittest.skipIf(CollectorRegistry is None, 'prometheus_client is not importable here')
    def test_registry_without_client_gc_collector_gets_counters(self):
        registry = CollectorRegistry()
        exporter.install(registry=registry)
        make_cycles(200)
        gc.collect()
        _, values = samples(registry)
        self.assertGreaterEqual(values[('python_gc_collected_objects_total', '2', None)], 400)
        self.assertIn(('python_gc_uncollectable_objects_total', '2', None), values)

    def test_pause_sum_matches_independent_timing(self):
        exporter.install()
        heap = [Node() for _ in range(400000)]
        gc.collect()
        first = exporter.snapshot()['pause_seconds']['2']
        timed = 0.0
        for _ in range(5):
            started = time.perf_counter()
            gc.collect()
            timed += time.perf_counter() - started
        last = exporter.snapshot()['pause_seconds']['2']
        del heap
        self.assertEqual(last['count'] - first['count'], 5)
        recorded = last['sum'] - first['sum']
        self.assertGreater(timed, 0.002, 'the heap is large enough to measure')
        self.assertLess(abs(recorded - timed) / timed, 0.10, 'recorded %.6f s, timed %.6f s' % (recorded, timed))
        # each pause lands in the bucket that holds it: the buckets' total is the count
        self.assertEqual(last['buckets']['+Inf'], last['count'])

    def test_pause_source_duration_from_315_else_timed(self):
        # 3.15+ reports each collection's duration and candidates: the histogram takes that figure
        # (to the nanosecond) and candidates are counted; before 3.15 the callback times it.
        seen = {'ns': 0, 'candidates': 0, 'stops': 0, 'keys': set()}

        def witness(phase, info):
            if phase == 'stop' and info['generation'] == 2:
                seen['keys'].update(info)
                seen['stops'] += 1
                if 'duration' in info:
                    seen['ns'] += int(info['duration'] * 1e9)
                    seen['candidates'] += info['candidates']

        gc.disable()
        exporter.install()
        gc.callbacks.append(witness)
        try:
            heap = [Node() for _ in range(50000)]
            make_cycles(1000)
            before = exporter.snapshot()
            for _ in range(3):
                gc.collect()
            after = exporter.snapshot()
        finally:
            gc.callbacks.remove(witness)
            gc.enable()
        del heap
        recorded_ns = round((after['pause_seconds']['2']['sum'] - before['pause_seconds']['2']['sum']) * 1e9)
        self.assertEqual(seen['stops'], 3)
        if sys.version_info >= (3, 15):
            self.assertTrue(exporter.REPORTS_DURATION)
            self.assertEqual(after['pause_source'], 'interpreter')
            self.assertEqual(exporter._on_gc, exporter._on_gc_reported)
            self.assertLessEqual(abs(recorded_ns - seen['ns']), 1, 'pauses are the reported durations')
            self.assertGreater(seen['candidates'], 50000)
            self.assertEqual(after['candidate_objects']['2'] - before['candidate_objects']['2'], seen['candidates'])
        else:
            self.assertFalse(exporter.REPORTS_DURATION)
            self.assertNotIn('duration', seen['keys'])
            self.assertEqual(after['pause_source'], 'callback')
            self.assertEqual(exporter._on_gc, exporter._on_gc_timed)
            self.assertIsNone(after['candidate_objects'])
            self.assertGreater(recorded_ns, 0, 'the callback timed the collections')

    @unittest.skipIf(CollectorRegistry is None, 'prometheus_client is not importable here')
    def test_candidates_counter_only_where_reported(self):
        registry = CollectorRegistry()
        exporter.install(registry=registry)
        make_cycles(200)
        gc.collect()
        _, values = samples(registry)
        if exporter.REPORTS_DURATION:
            self.assertGreater(values[('python_gc_candidate_objects_total', '2', None)], 400)
        else:
            self.assertNotIn(('python_gc_candidate_objects_total', '2', None), values)

    def test_uninstall_removes_the_callback(self):
        exporter.install()
        self.assertEqual(sum(cb is exporter._on_gc for cb in gc.callbacks), 1)
        exporter.install()  # idempotent
        self.assertEqual(sum(cb is exporter._on_gc for cb in gc.callbacks), 1)
        exporter.uninstall()
        self.assertNotIn(exporter._on_gc, gc.callbacks)
        count = exporter.snapshot()['pause_seconds']['2']['count']
        gc.collect()
        self.assertEqual(exporter.snapshot()['pause_seconds']['2']['count'], count)

    def test_without_prometheus_client(self):
        script = (
            'import sys, gc; sys.path.insert(0, %r)\n'
            'import gc_incident_exporter as e\n'
            'assert "prometheus_client" not in sys.modules\n'
            'print(e.install())\n'
            'gc.collect(); gc.collect()\n'
            'print(e.snapshot()["pause_seconds"]["2"]["count"])\n' % HERE)
        # -I -S: no site-packages, so no prometheus_client
        out = subprocess.check_output([sys.executable, '-I', '-S', '-c', script]).decode().split()
        self.assertEqual(out, ['False', '2'])

    @unittest.skipIf(CollectorRegistry is None, 'prometheus_client is not importable here')
    def test_no_deadlock_between_scrapes_and_collections(self):
        seconds = float(os.environ.get('GC_EXPORTER_DEADLOCK_SECONDS', '2'))
        runs = int(os.environ.get('GC_EXPORTER_DEADLOCK_RUNS', '1'))
        interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)  # switch threads often: more interleavings per second
        try:
            for run in range(runs):
                self._deadlock_run(seconds, run)
        finally:
            sys.setswitchinterval(interval)

    def _deadlock_run(self, seconds, run):
        registry = CollectorRegistry()
        # An application metric whose lock the allocating threads take, as a real service's would.
        requests = Histogram('app_request_seconds', 'request time', registry=registry)
        exporter.install(registry=registry)
        stop = threading.Event()
        scrapes = [0]
        errors = []

        def scrape():
            try:
                while not stop.is_set():
                    generate_latest(registry)
                    scrapes[0] += 1
            except Exception as error:  # reported below, not swallowed
                errors.append(error)

        def allocate(i):
            try:
                while not stop.is_set():
                    with requests.time():
                        make_cycles(1000)
                    if i == 0:
                        gc.collect()
                    else:
                        gc.collect(i)
            except Exception as error:
                errors.append(error)

        # The watchdog: a hang prints every thread's stack and exits the interpreter with an error.
        faulthandler.dump_traceback_later(seconds * 3 + 30, exit=True)
        threads = [threading.Thread(target=scrape)] + [threading.Thread(target=allocate, args=(i,)) for i in range(3)]
        before = exporter.snapshot()['pause_seconds']
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        faulthandler.cancel_dump_traceback_later()
        exporter.uninstall()
        after = exporter.snapshot()['pause_seconds']
        self.assertEqual(errors, [])
        self.assertGreaterEqual(scrapes[0], 3, 'run %d scraped' % run)
        collections = sum(after[g]['count'] - before[g]['count'] for g in after)
        self.assertGreaterEqual(collections, 10, 'run %d collected' % run)
        print('deadlock run %d: %.1f s, %d scrapes, %d collections' % (run + 1, seconds, scrapes[0], collections),
              file=sys.stderr)


@unittest.skipIf(CollectorRegistry is None or not hasattr(os, 'fork'), 'needs prometheus_client and fork')
class MultiprocessTest(unittest.TestCase):
    def test_prefork_master_and_two_workers(self):
        directory = tempfile.mkdtemp(prefix='gc-exporter-mp-')
        try:
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'prefork_exporter.py')
            env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=directory)
            out = subprocess.check_output([sys.executable, script], env=env, timeout=120).decode()
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        lines = dict(line.split(' ', 1) for line in out.strip().splitlines())
        self.assertEqual(lines['result'], 'ok', out)


if __name__ == '__main__':
    unittest.main()
