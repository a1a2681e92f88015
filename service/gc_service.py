#!/usr/bin/env python3
"""A small Python service with real GC metrics, for drills and integration tests.

It exports prometheus_client's own GC, process and platform metrics plus gc-incident's
exporter (python/gc_incident_exporter.py: pause histogram, gc gauges, private memory; set
GC_SERVICE_EXPORTER=0 for prometheus_client's metrics alone), can be driven into the failure modes of the
shipped runbooks, and has admin endpoints that apply their mitigations.

    python3 gc_service.py --port 18000 --mode churn

Modes:  steady     a little allocation, no incident
        churn      many short-lived reference cycles: frequent young collections (GC thrash)
        cycles     cycles that die in generation 2 next to a large live heap: memory climbs
                   until a full collection (POST /admin/collect?every=5 collects every 5 s)
        big-heap   a large live heap whose entries keep being replaced, so survivors keep being
                   promoted: frequent, slow full collections (memory steady once it is built)
        disabled   gc.disable() while cycles are created: memory climbs, no collections
                   (gc.enable() and a collection end it)
        cache      a bounded cache (an LRU of request results): each request inserts entries and
                   drops the oldest, so survivors are promoted and die old; full collections
                   over the cache (its size stays the same)
        frozen     a pre-fork heap (a million objects) frozen by gc.freeze() at start-up, then
                   a worker's own cache whose entries are replaced: collections skip the heap
        bulk       one large json.loads per request: every container it makes is created inside
                   one C call (3.12+ collect once after it returns, 3.8-3.11 several times during);
                   the last four results are kept, so memory is flat once warm
        prefork    with --worker-ports: a pre-fork server. The master loads the app (a heap of a
                   million objects) and forks one worker per port; each worker serves /metrics on
                   its port and replaces entries of its own cache, so full collections run in it
                   and traverse the master's heap: every page is copied (copy-on-write) and the
                   worker's private memory grows to the size of that heap. POST /admin/refork on
                   the master restarts the workers, with ?freeze=1 after gc.freeze() (the fix).

Admin (POST):  /admin/mode?name=M   /admin/freeze   /admin/unfreeze   /admin/collect[?every=S]
               /admin/threshold?t0=&t1=&t2=   /admin/enable   /admin/disable
               /admin/refork?freeze=1   (prefork master only)
GET:           /metrics  /healthz  /admin/state
               /debug/gc   read-only GC state as JSON (gc_incident_exporter.diagnostics_response:
                           get_stats, thresholds, counts, frozen, top object types)

Besides prometheus_client's metrics, process_private_memory_bytes is the unique set size
(Private_Clean + Private_Dirty of /proc/self/smaps_rollup): RSS also counts the pages a worker
still shares with its master, so copy-on-write shows only here.

Needs CPython 3.8+; /metrics needs prometheus_client (Debian: python3-prometheus-client),
without which the failure modes and admin endpoints still work.
Listens on 127.0.0.1 only.
"""
import argparse
import collections
import gc
import json
import os
import queue
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

try:
    from prometheus_client import CONTENT_TYPE_LATEST, Gauge, Histogram, generate_latest  # noqa: F401
except ImportError:
    # Without the client (a bare machine running the drill with no Prometheus to scrape it),
    # the failure modes and admin endpoints still work; /metrics says what to install.
    Histogram = None

MODES = ('steady', 'churn', 'cycles', 'big-heap', 'disabled', 'bulk', 'cache', 'frozen')
CACHE_SIZE = 200_000
APP_HEAP = 1_000_000
CYCLES_HEAP = 1_000_000
# Entries a pre-fork worker replaces per step (about 45 steps a second). The master collects once
# after loading, so a worker's first full collection waits for a quarter of APP_HEAP in new
# survivors: about 10 s after fork, late enough for Prometheus to see memory before and after.
WORKER_REPLACEMENTS = 500
# Held around every scrape and every fork: a worker must not be forked while another thread
# holds prometheus_client's registry lock (the child would inherit it locked, forever).
FORK_LOCK = threading.Lock()


def _proc_kib(path, fields):
    total = 0
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(fields):
                    total += int(line.split()[1]) * 1024
    except OSError:
        return float('nan')
    return total


def private_memory_bytes():
    return _proc_kib('/proc/self/smaps_rollup', ('Private_Clean:', 'Private_Dirty:'))


def resident_memory_bytes():
    return _proc_kib('/proc/self/status', ('VmRSS:',))

NO_CLIENT = b'prometheus_client is not installed: apt-get install python3-prometheus-client\n'

# The exporter gc-incident ships (python/gc_incident_exporter.py). Its diagnostics endpoint
# (GET /debug/gc) needs only the standard library, so it is served with or without the client.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python'))
import gc_incident_exporter  # noqa: E402

if Histogram is not None:
    if os.environ.get('GC_SERVICE_EXPORTER', '1') != '0':
        # The pause histogram, gc gauges and process_private_memory_bytes, from a callback that
        # takes no lock.
        gc_incident_exporter.install()
    else:
        # GC_SERVICE_EXPORTER=0: a service instrumented with prometheus_client alone (no pause
        # metric), for the runbooks' fallback checks.
        Gauge(
            'process_private_memory_bytes',
            'Unique set size: Private_Clean + Private_Dirty from /proc/self/smaps_rollup',
        ).set_function(private_memory_bytes)

# Cycles made per step in mode churn. GC_SERVICE_CHURN lowers it: the test suite runs churn at a
# fifth of the allocations (and of the CPU), still hundreds of young collections a second where
# the thrash runbook's detection asks for 50, so the same runbook, fit and mitigation apply.
def _churn_cycles():
    raw = os.environ.get('GC_SERVICE_CHURN', '20000')
    if not raw.isdigit() or not 100 <= int(raw) <= 1000000:
        sys.exit(f'GC_SERVICE_CHURN must be a whole number of cycles from 100 to 1000000, not {raw!r}')
    return int(raw)


CHURN_CYCLES = _churn_cycles()

BULK_DOCUMENT = json.dumps([{'id': i, 'tags': ['a', 'b'], 'attrs': {'n': i}} for i in range(20000)])


class Node:
    __slots__ = ('ref', 'payload')

    def __init__(self):
        self.ref = None
        self.payload = None


class Workload:
    def __init__(self, mode):
        self.lock = threading.Lock()
        self.mode = mode
        self.heap = []
        self.recent = collections.deque(maxlen=2000)
        self.cache = collections.OrderedDict()
        self.frozen_heap = None
        self.slot = 0
        self.collect_every = 0.0
        self.stop = threading.Event()
        # Steps done: the service's own pace, which a shared machine slows (the fit loop compares
        # a prediction with what was observed at the pace the baseline ran at).
        self.steps = 0

    def set_mode(self, mode):
        with self.lock:
            self.mode = mode
            self.recent.clear()
            self.cache.clear()
            if mode not in ('big-heap', 'worker'):
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
            for _ in range(CHURN_CYCLES):
                a = Node(); b = Node(); a.ref = b; b.ref = a
            time.sleep(0.01)
        elif mode == 'cycles':
            # Request-scoped cycles kept for about two seconds (a deque of recent requests):
            # they outlive the young collections, reach generation 2 and die there, where only
            # a full collection frees them, and with a million live objects that waits for a
            # quarter of a million new survivors (minutes). Memory climbs meanwhile.
            if len(self.heap) < CYCLES_HEAP:
                self.heap.extend(Node() for _ in range(100000))
            for _ in range(40):
                a = Node(); b = Node(); a.ref = b; b.ref = a
                a.payload = bytearray(400)
                self.recent.append(a)
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
        elif mode == 'cache':
            for _ in range(500):
                self.cache[self.slot] = {'id': self.slot, 'tags': ['a', 'b']}
                self.slot += 1
                if len(self.cache) > CACHE_SIZE:
                    self.cache.popitem(last=False)
            for _ in range(500):
                a = Node(); b = Node(); a.ref = b; b.ref = a
            time.sleep(0.02)
        elif mode == 'frozen':
            if self.frozen_heap is None:
                # The application loaded before fork, and the recipe: collect, then freeze.
                self.frozen_heap = [Node() for _ in range(APP_HEAP)]
                gc.collect()
                gc.freeze()
            self.mode = 'worker'
        elif mode == 'bulk':
            # Each result replaces the oldest of the last four (a response cache): memory in use
            # stays the same, so freed pools are reused and RSS is flat once warm.
            self.heap.append(json.loads(BULK_DOCUMENT))
            if len(self.heap) > 4:
                self.heap.pop(0)
            time.sleep(0.05)
        elif mode == 'worker':
            # A pre-fork worker: a cache of its own whose entries are replaced, so survivors
            # are promoted and full collections run (and traverse the master's heap).
            if len(self.heap) < 20000:
                self.heap.extend(Node() for _ in range(20000))
            for _ in range(WORKER_REPLACEMENTS):
                self.heap[self.slot] = Node()
                self.slot = (self.slot + 1) % len(self.heap)
            for _ in range(5000):
                a = Node(); b = Node(); a.ref = b; b.ref = a
            time.sleep(0.02)

    def run(self):
        last = time.monotonic()
        while not self.stop.is_set():
            with self.lock:
                self.step()
                self.steps += 1
                if self.collect_every and time.monotonic() - last >= self.collect_every:
                    gc.collect()
                    last = time.monotonic()


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

    prefork = None

    def _state(self):
        state = {
            'mode': self.workload.mode,
            'enabled': gc.isenabled(),
            'threshold': list(gc.get_threshold()),
            'count': list(gc.get_count()),
            'collections': [g['collections'] for g in gc.get_stats()],
            'frozen': gc.get_freeze_count(),
            'collect_every': self.workload.collect_every,
            'steps': self.workload.steps,
            'private_memory_bytes': private_memory_bytes(),
            'resident_memory_bytes': resident_memory_bytes(),
        }
        if self.prefork is not None:
            state['workers'] = dict(self.prefork.workers)
            state['forked_frozen'] = self.prefork.frozen
        return state

    def do_GET(self):
        path = urlparse(self.path).path
        if path == '/metrics':
            if Histogram is None:
                self._send(503, NO_CLIENT, 'text/plain; charset=utf-8')
            else:
                with FORK_LOCK:
                    body = generate_latest()
                self._send(200, body, CONTENT_TYPE_LATEST)
        elif path == '/healthz':
            self._send(200, '{"ok": true}')
        elif path == '/admin/state':
            self._send(200, json.dumps(self._state()))
        elif path == gc_incident_exporter.DIAGNOSTICS_PATH:
            # Read-only GC state (gc-incident's diagnose steps): the exporter's own response.
            status, headers, body = gc_incident_exporter.diagnostics_response('GET')
            self._send(status, body, dict(headers)['Content-Type'])
        else:
            self._send(404, '<html><body><h1>404 Not Found</h1><p>gc_service has /metrics</p></body></html>', 'text/html')

    def do_POST(self):
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path
        if path == gc_incident_exporter.DIAGNOSTICS_PATH:
            status, _, body = gc_incident_exporter.diagnostics_response('POST')
            return self._send(status, body)
        try:
            if path == '/admin/refork':
                if self.prefork is None:
                    return self._send(404, json.dumps({'error': 'not a pre-fork master (start with --worker-ports)'}))
                self.prefork.refork(query.get('freeze') in ('1', 'true', 'yes'))
            elif path == '/admin/mode':
                if self.prefork is not None:
                    return self._send(400, json.dumps({'error': 'a pre-fork master has no workload mode'}))
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
                every = float(query.get('every', '0'))
                if not every >= 0 or every == float('inf'):
                    raise ValueError('every must be 0 (off) or a number of seconds')
                with self.workload.lock:
                    gc.collect()
                    self.workload.collect_every = every
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


class Prefork:
    """A pre-fork master: loads the app, forks a worker per port, restarts workers that die.

    Forks happen on the main thread only (HTTP threads ask through a queue), under FORK_LOCK.
    """

    def __init__(self, ports):
        self.ports = ports
        self.workers = {}
        self.frozen = False
        self.requests = queue.Queue()
        self.server = None
        # The application loaded in the master before fork (gunicorn --preload).
        self.app = [Node() for _ in range(APP_HEAP)]
        gc.collect()

    def refork(self, freeze):
        """Called from an HTTP thread: waits until the main thread has forked new workers."""
        done = threading.Event()
        self.requests.put((freeze, done))
        if not done.wait(30):
            raise ValueError('the master did not restart its workers within 30 s')

    def _fork(self, port):
        with FORK_LOCK:
            pid = os.fork()
        if pid == 0:
            run_worker(port, self.server)
        self.workers[port] = pid

    def _wait_serving(self, seconds):
        until = time.monotonic() + seconds
        for port in self.ports:
            while time.monotonic() < until:
                try:
                    socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.05)

    def _stop_workers(self):
        for pid in self.workers.values():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in self.workers.values():
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.workers = {}

    def supervise(self):
        for port in self.ports:
            self._fork(port)
        try:
            while True:
                try:
                    freeze, done = self.requests.get(timeout=0.5)
                except queue.Empty:
                    freeze, done = None, None
                if done is not None:
                    self._stop_workers()
                    gc.unfreeze()
                    if freeze:
                        # The recipe: nothing loaded so far is ever traversed again, so the
                        # workers' collections leave its pages shared.
                        gc.collect()
                        gc.freeze()
                    self.frozen = bool(freeze)
                    for port in self.ports:
                        self._fork(port)
                    # Answer once the new workers serve: a caller's next request to a
                    # worker port must not meet a refused connection.
                    self._wait_serving(10)
                    done.set()
                for port, pid in list(self.workers.items()):
                    try:
                        exited = os.waitpid(pid, os.WNOHANG)[0] != 0
                    except ChildProcessError:
                        exited = True
                    if exited:
                        self._fork(port)
        finally:
            self._stop_workers()


def run_worker(port, master_server):
    """The forked worker's life: its own HTTP server on `port`, the worker workload, no return."""
    global FORK_LOCK
    FORK_LOCK = threading.Lock()  # the master held the inherited one while forking
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        master_server.socket.close()
        master = os.getppid()
        workload = Workload('worker')
        handler = type('WorkerHandler', (Handler,), {'workload': workload, 'prefork': None})
        server = ThreadingHTTPServer(('127.0.0.1', port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        while os.getppid() == master:  # an orphan (its master SIGKILLed) stops by itself
            with workload.lock:
                workload.step()
    finally:
        os._exit(0)


def _terminate(signum, frame):
    raise SystemExit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--port', type=int, default=18000)
    # Loopback by default; a container (compose.yaml) listens on 0.0.0.0 for Prometheus.
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--mode', choices=MODES + ('prefork',), default='steady')
    parser.add_argument('--worker-ports', default='', help='with --mode prefork: one worker per port, comma-separated')
    args = parser.parse_args()
    if args.mode == 'prefork':
        ports = [int(p) for p in args.worker_ports.split(',') if p.strip()]
        if not ports:
            parser.error('--mode prefork needs --worker-ports, for example --worker-ports 18001,18002')
        return run_master(args.port, ports)
    workload = Workload(args.mode)
    workload.set_mode(args.mode)
    Handler.workload = workload
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    threading.Thread(target=workload.run, daemon=True).start()
    print(json.dumps({'listening': args.port, 'mode': args.mode}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def run_master(port, worker_ports):
    signal.signal(signal.SIGTERM, _terminate)
    prefork = Prefork(worker_ports)
    # The master runs no workload (its thread would be lost at fork); the object holds its lock.
    handler = type('MasterHandler', (Handler,), {'workload': Workload('prefork'), 'prefork': prefork})
    server = ThreadingHTTPServer(('127.0.0.1', port), handler)
    prefork.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({'listening': port, 'mode': 'prefork', 'workers': worker_ports}), flush=True)
    try:
        prefork.supervise()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == '__main__':
    main()
