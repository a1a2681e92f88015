#!/usr/bin/env python3
"""A small Python service with real GC metrics, for drills and integration tests.

It exports prometheus_client's own GC, process and platform metrics plus a
gc.callbacks pause histogram, can be driven into the failure modes of the
shipped runbooks, and has admin endpoints that apply their mitigations.

    python3 gc_service.py --port 18000 --mode churn

Modes:  steady     a little allocation, no incident
        churn      many short-lived reference cycles: frequent young collections (GC thrash)
        cycles     cyclic garbage plus a cache that only grows: memory growth
        big-heap   a large live heap whose entries keep being replaced, so survivors keep being
                   promoted: frequent, slow full collections (memory steady once it is built)
        disabled   gc.disable() while cycles are created: memory climbs, no collections
                   (gc.enable() and a collection end it)

Admin (POST):  /admin/mode?name=M   /admin/freeze   /admin/unfreeze   /admin/collect
               /admin/threshold?t0=&t1=&t2=   /admin/enable   /admin/disable
GET:           /metrics  /healthz  /admin/state

Needs CPython 3.8+; /metrics needs prometheus_client (Debian: python3-prometheus-client),
without which the failure modes and admin endpoints still work.
Listens on 127.0.0.1 only.
"""
import argparse
import gc
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

try:
    from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
except ImportError:
    # Without the client (a bare machine running the drill with no Prometheus to scrape it),
    # the failure modes and admin endpoints still work; /metrics says what to install.
    Histogram = None

MODES = ('steady', 'churn', 'cycles', 'big-heap', 'disabled')
NO_CLIENT = b'prometheus_client is not installed: apt-get install python3-prometheus-client\n'

if Histogram is not None:
    PAUSES = Histogram(
        'python_gc_pause_seconds',
        'Time spent in each garbage collection, from gc.callbacks',
        ['generation'],
        buckets=(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
    )
    _started = {}

    def _on_gc(phase, info):
        if phase == 'start':
            _started['t'] = time.perf_counter()
        elif 't' in _started:
            PAUSES.labels(str(info['generation'])).observe(time.perf_counter() - _started.pop('t'))

    gc.callbacks.append(_on_gc)


class Node:
    __slots__ = ('ref', 'payload')

    def __init__(self):
        self.ref = None
        self.payload = None


class Workload:
    def __init__(self, mode):
        self.lock = threading.Lock()
        self.mode = mode
        self.cache = []
        self.heap = []
        self.slot = 0
        self.stop = threading.Event()

    def set_mode(self, mode):
        with self.lock:
            self.mode = mode
            self.cache = []
            if mode != 'big-heap':
                self.heap = []
            if mode == 'disabled':
                gc.disable()
            else:
                gc.enable()

    def step(self):
        mode = self.mode
        if mode == 'steady':
            for _ in range(50):
                a = Node(); b = Node(); a.ref = b; b.ref = a
            time.sleep(0.05)
        elif mode == 'churn':
            for _ in range(20000):
                a = Node(); b = Node(); a.ref = b; b.ref = a
            time.sleep(0.01)
        elif mode == 'cycles':
            for _ in range(2000):
                a = Node(); b = Node(); a.ref = b; b.ref = a
                a.payload = bytearray(256)
            self.cache.append(bytearray(64 * 1024))
            time.sleep(0.02)
        elif mode == 'disabled':
            # Only cyclic garbage: what piles up is exactly what a collection frees.
            for _ in range(300):
                a = Node(); b = Node(); a.ref = b; b.ref = a
                a.payload = bytearray(256)
            time.sleep(0.02)
        elif mode == 'big-heap':
            if len(self.heap) < 600000:
                self.heap.extend(Node() for _ in range(50000))
            else:
                # Replace entries: the new ones survive, get promoted, and call for full collections.
                for _ in range(5000):
                    self.heap[self.slot] = Node()
                    self.slot = (self.slot + 1) % len(self.heap)
            for _ in range(5000):
                a = Node(); b = Node(); a.ref = b; b.ref = a
            time.sleep(0.02)

    def run(self):
        while not self.stop.is_set():
            with self.lock:
                self.step()


class Handler(BaseHTTPRequestHandler):
    workload = None

    def log_message(self, fmt, *args):  # keep the test output quiet
        pass

    def _send(self, status, body, content_type='application/json'):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _state(self):
        return {
            'mode': self.workload.mode,
            'enabled': gc.isenabled(),
            'threshold': list(gc.get_threshold()),
            'count': list(gc.get_count()),
            'frozen': gc.get_freeze_count(),
        }

    def do_GET(self):
        path = urlparse(self.path).path
        if path == '/metrics':
            if Histogram is None:
                self._send(503, NO_CLIENT, 'text/plain; charset=utf-8')
            else:
                self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
        elif path == '/healthz':
            self._send(200, '{"ok": true}')
        elif path == '/admin/state':
            self._send(200, json.dumps(self._state()))
        else:
            self._send(404, '<html><body><h1>404 Not Found</h1><p>gc_service has /metrics</p></body></html>', 'text/html')

    def do_POST(self):
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path
        try:
            if path == '/admin/mode':
                if query.get('name') not in MODES:
                    return self._send(400, json.dumps({'error': 'name must be one of ' + ', '.join(MODES)}))
                self.workload.set_mode(query['name'])
            elif path == '/admin/freeze':
                with self.workload.lock:
                    gc.collect()
                    gc.freeze()
            elif path == '/admin/unfreeze':
                gc.unfreeze()
            elif path == '/admin/collect':
                with self.workload.lock:
                    gc.collect()
            elif path == '/admin/threshold':
                values = [int(query[k]) for k in ('t0', 't1', 't2') if k in query]
                if not values:
                    return self._send(400, json.dumps({'error': 'give t0 (and optionally t1, t2)'}))
                gc.set_threshold(*values)
            elif path == '/admin/enable':
                gc.enable()
            elif path == '/admin/disable':
                gc.disable()
            else:
                return self._send(404, json.dumps({'error': 'unknown admin endpoint'}))
        except ValueError as error:
            return self._send(400, json.dumps({'error': str(error)}))
        self._send(200, json.dumps(self._state()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--port', type=int, default=18000)
    parser.add_argument('--mode', choices=MODES, default='steady')
    args = parser.parse_args()
    workload = Workload(args.mode)
    workload.set_mode(args.mode)
    Handler.workload = workload
    server = ThreadingHTTPServer(('127.0.0.1', args.port), Handler)
    threading.Thread(target=workload.run, daemon=True).start()
    print(json.dumps({'listening': args.port, 'mode': args.mode}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
