"""Tests of gc_incident_exporter's diagnostics endpoint on the interpreter that runs them (3.8 to 3.13).

Run by tests/python/diagnostics.test.ts on every CPython found, with python/ on PYTHONPATH. Each
value is compared with what the gc module says in this process, after changing it.
"""
import gc
import json
import sys
import tracemalloc
import unittest
import urllib.error
import urllib.request

import gc_incident_exporter as exporter


class Marker(object):
    pass


def request(url, method='GET'):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class DiagnosticsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = exporter.serve_diagnostics()
        cls.base = 'http://127.0.0.1:%d' % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        self.saved = gc.get_threshold()

    def tearDown(self):
        gc.set_threshold(*self.saved)
        gc.enable()
        gc.unfreeze()
        if tracemalloc.is_tracing():
            tracemalloc.stop()

    def get(self, path=exporter.DIAGNOSTICS_PATH):
        status, headers, body = request(self.base + path)
        self.assertEqual(status, 200)
        self.assertEqual(headers['Content-Type'], 'application/json')
        return json.loads(body.decode())

    def test_binds_to_loopback_by_default(self):
        self.assertEqual(self.server.server_address[0], '127.0.0.1')

    def test_live_state_matches_the_gc_module(self):
        gc.set_threshold(1234, 7, 3)
        gc.disable()
        gc.collect()
        gc.freeze()
        frozen = gc.get_freeze_count()
        self.assertGreater(frozen, 0)
        body = self.get()
        self.assertEqual(body['schema'], 'gc-incident/diagnostics/v1')
        self.assertEqual(body['thresholds'], [1234, 7, 3])
        self.assertIs(body['enabled'], False)
        # Nothing enters the permanent generation after freeze(), but a frozen object the server's
        # thread held may be freed meanwhile: the count served lies between the two readings.
        self.assertLessEqual(body['frozen'], frozen)
        self.assertGreaterEqual(body['frozen'], gc.get_freeze_count())
        self.assertGreater(body['frozen'], frozen // 2)
        self.assertEqual(body['python']['version'], '%d.%d.%d' % sys.version_info[:3])
        self.assertEqual(len(body['counts']), 3)
        stats = gc.get_stats()
        self.assertEqual([s['generation'] for s in body['stats']], list(range(len(stats))))
        # The request ran no collection (the collector is disabled): the totals are this process's.
        self.assertEqual([s['collections'] for s in body['stats']], [s['collections'] for s in stats])
        self.assertEqual([s['collected'] for s in body['stats']], [s['collected'] for s in stats])

    def test_top_types_count_what_the_process_holds(self):
        held = [Marker() for _ in range(30000)]
        body = exporter.diagnostics(max_age=0)
        top = body['objects']['top']
        self.assertLessEqual(len(top), 20)
        self.assertEqual(len(top), 20)
        names = [t['type'] for t in top]
        self.assertIn('test_diagnostics.Marker', names)
        marker = top[names.index('test_diagnostics.Marker')]
        self.assertGreaterEqual(marker['count'], len(held))
        self.assertEqual([t['count'] for t in top], sorted((t['count'] for t in top), reverse=True))
        self.assertGreaterEqual(body['objects']['tracked'], len(held))
        del held

    def test_census_is_cached_between_requests(self):
        first = exporter.diagnostics(max_age=0)
        second = exporter.diagnostics(max_age=60)
        self.assertEqual(first['objects']['tracked'], second['objects']['tracked'])
        self.assertGreaterEqual(second['objects']['age_seconds'], 0)
        gc.set_threshold(999, 9, 9)  # the rest is live even when the census is cached
        self.assertEqual(exporter.diagnostics(max_age=60)['thresholds'], [999, 9, 9])

    def test_tracemalloc_only_when_tracing(self):
        self.assertIsNone(exporter.diagnostics(max_age=0)['tracemalloc'])
        tracemalloc.start()
        blocks = [bytearray(1000) for _ in range(2000)]
        traced = exporter.diagnostics(max_age=0)['tracemalloc']
        self.assertIsNotNone(traced)
        self.assertLessEqual(len(traced['top']), 10)
        self.assertGreater(traced['current_bytes'], 2000 * 1000)
        self.assertTrue(any('test_diagnostics.py' in t['where'] for t in traced['top']))
        self.assertFalse(any('tracemalloc' in t['where'] for t in traced['top']))
        del blocks

    def test_type_names_are_bounded_and_free_of_control_characters(self):
        Evil = type('Evil\x1b[31m\n' + 'x' * 500, (object,), {})
        held = [Evil() for _ in range(40000)]
        top = exporter.diagnostics(max_age=0)['objects']['top']
        evil = [t['type'] for t in top if t['type'].startswith('test_diagnostics.Evil')]
        self.assertEqual(len(evil), 1)
        self.assertLessEqual(len(evil[0]), 200)
        self.assertNotIn('\x1b', evil[0])
        self.assertNotIn('\n', evil[0])
        del held

    def test_read_only(self):
        for method in ('POST', 'PUT', 'DELETE', 'PATCH'):
            status, headers, _ = request(self.base + exporter.DIAGNOSTICS_PATH, method)
            self.assertEqual(status, 405, method)
            self.assertEqual(headers['Allow'], 'GET, HEAD')
        status, _, body = request(self.base + exporter.DIAGNOSTICS_PATH, 'HEAD')
        self.assertEqual((status, body), (200, b''))

    def test_takes_no_parameters_and_serves_one_path(self):
        gc.set_threshold(700, 10, 10)
        body = self.get(exporter.DIAGNOSTICS_PATH + '?top=100000&thresholds=1')
        self.assertEqual(body['thresholds'], [700, 10, 10])
        self.assertLessEqual(len(body['objects']['top']), 20)
        self.assertEqual(request(self.base + '/')[0], 404)
        self.assertEqual(request(self.base + '/debug/gc/../../etc/passwd')[0], 404)


if __name__ == '__main__':
    unittest.main()
