"""GC pause metrics for a CPython service (3.8 to 3.15), for gc-incident's runbooks.

Copy this one file into a service (or import it from the gc-incident package), then:

    import gc_incident_exporter
    gc_incident_exporter.install()          # before the app starts serving

install(registry=REGISTRY) adds, next to prometheus_client's own metrics:

    python_gc_pause_seconds{generation}        histogram of each collection's duration (50 us to 10 s)
    python_gc_threshold{generation}            gc.get_threshold()
    python_gc_enabled                          gc.isenabled()
    python_gc_frozen_objects                   gc.get_freeze_count()
    python_gc_pending_objects{generation}      gc.get_count()
    python_gc_collected_objects_total{generation}      } from the callback's info, only when
    python_gc_uncollectable_objects_total{generation}  } prometheus_client's GC collector is absent
    python_gc_candidate_objects_total{generation}  objects each collection considered (3.15+: the
                                               callback's `candidates`; absent before 3.15)
    process_private_memory_bytes               Private_Clean + Private_Dirty of /proc/self/smaps_rollup
                                               (Linux only; RSS also counts pages shared with a master)

Pause times: from 3.15 the interpreter reports each collection's `duration` (and `candidates`) in
the callback's info; the histogram then takes that figure, exact and free, and the callback ignores
the "start" phase. Older interpreters have the callback time the collection itself.

Why a custom collector rather than a prometheus_client Histogram: the gc.callbacks callback runs
inside whatever allocation triggered the collection, possibly in a thread that already holds the
registry's or a metric's lock (prometheus_client's issues #322, #363, #429). So the callback takes
no lock and makes no object the collector tracks: it adds to per-generation counters in lists
made at import time (ints are not GC objects), and the registry reads them at scrape time.

Multiprocess mode (PROMETHEUS_MULTIPROC_DIR set, gunicorn pre-fork): the scrape runs in another
process, so a daemon thread copies the counters into prometheus_client's file-backed metrics every
second (histograms and counters are summed across workers; gauges are kept per pid, "liveall": call
prometheus_client.multiprocess.mark_process_dead(pid) in gunicorn's child_exit hook).

Without prometheus_client, install() still records and snapshot() returns a dict.

Diagnostics (read-only, for gc-incident's `kind: diagnose` steps):

    gc_incident_exporter.serve_diagnostics(port=9466)   # GET http://127.0.0.1:9466/debug/gc

answers GET (and HEAD) with JSON: gc.get_stats(), thresholds, counts, enabled, frozen count, the top
20 object types the collector tracks, and the top tracemalloc allocations when tracemalloc is
tracing. It takes no parameters and runs no code from the request; it binds to loopback unless told
otherwise. The object census walks gc.get_objects() (about 0.15 s per million tracked objects, in
slices of 50,000 that yield the GIL between them), so it is taken at most once every
CENSUS_INTERVAL_SECONDS and served from that cache in between; the rest is read live on every
request. A service with an HTTP server of its own can answer diagnostics_response() on a route
instead (the bundled demo service does, at /debug/gc).
"""
import collections
import gc
import json
import os
import sys
import threading
import time

__all__ = ('install', 'uninstall', 'snapshot', 'flush', 'BUCKETS', 'diagnostics', 'diagnostics_response',
           'serve_diagnostics')

# Upper bounds in seconds, 50 us to 10 s (the +Inf bucket is implicit).
BUCKETS = (
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)
_BOUNDS_NS = tuple(int(round(b * 1e9)) for b in BUCKETS)
_GENERATIONS = 3
_MULTIPROC_ENV = ('PROMETHEUS_MULTIPROC_DIR', 'prometheus_multiproc_dir')
FLUSH_INTERVAL_SECONDS = 1.0

# Everything the callback touches exists before it is installed: lists of ints, never resized.
_start_ns = [0] * _GENERATIONS
_buckets = [[0] * (len(_BOUNDS_NS) + 1) for _ in range(_GENERATIONS)]  # per bucket, not cumulative
_sum_ns = [0] * _GENERATIONS
_collected = [0] * _GENERATIONS
_uncollectable = [0] * _GENERATIONS
_candidates = [0] * _GENERATIONS
# 3.15+: gc.get_stats() entries and the callback's "stop" info carry 'duration' and 'candidates'.
REPORTS_DURATION = 'duration' in gc.get_stats()[0]


def _on_gc_timed(phase, info, _now=time.perf_counter_ns, _start_ns=_start_ns, _buckets=_buckets,
           _sum_ns=_sum_ns, _collected=_collected, _uncollectable=_uncollectable,
           _bounds=_BOUNDS_NS, _last=len(_BOUNDS_NS)):
    # No lock, no container, no call that makes one: a binary search over a tuple of ints.
    generation = info['generation']
    if phase == 'start':
        _start_ns[generation] = _now()
        return
    started = _start_ns[generation]
    if started == 0:  # installed while this collection was running
        return
    elapsed = _now() - started
    _start_ns[generation] = 0
    low = 0
    high = _last
    while low < high:
        middle = (low + high) >> 1
        if elapsed <= _bounds[middle]:
            high = middle
        else:
            low = middle + 1
    _buckets[generation][low] += 1
    _sum_ns[generation] += elapsed
    _collected[generation] += info['collected']
    _uncollectable[generation] += info['uncollectable']


def _on_gc_reported(phase, info, _buckets=_buckets, _sum_ns=_sum_ns, _collected=_collected,
                    _uncollectable=_uncollectable, _candidates=_candidates, _bounds=_BOUNDS_NS,
                    _last=len(_BOUNDS_NS)):
    # 3.15+: the interpreter's own duration (seconds, a float: not a GC object); nothing to time.
    if phase == 'start':
        return
    generation = info['generation']
    elapsed = int(info['duration'] * 1e9)
    low = 0
    high = _last
    while low < high:
        middle = (low + high) >> 1
        if elapsed <= _bounds[middle]:
            high = middle
        else:
            low = middle + 1
    _buckets[generation][low] += 1
    _sum_ns[generation] += elapsed
    _collected[generation] += info['collected']
    _uncollectable[generation] += info['uncollectable']
    _candidates[generation] += info['candidates']


# The callback install() adds: one per interpreter, chosen once.
_on_gc = _on_gc_reported if REPORTS_DURATION else _on_gc_timed


def private_memory_bytes():
    """Private_Clean + Private_Dirty of /proc/self/smaps_rollup, or None where it does not exist."""
    total = 0
    found = False
    try:
        with open('/proc/self/smaps_rollup') as rollup:
            for line in rollup:
                if line.startswith(('Private_Clean:', 'Private_Dirty:')):
                    total += int(line.split()[1]) * 1024
                    found = True
    except (OSError, ValueError):
        return None
    return total if found else None


def _pauses():
    """Per generation: (cumulative bucket counts, sum in seconds, count); count is the +Inf bucket."""
    out = []
    for generation in range(_GENERATIONS):
        counts = list(_buckets[generation])
        cumulative = []
        running = 0
        for value in counts:
            running += value
            cumulative.append(running)
        out.append((cumulative, _sum_ns[generation] / 1e9, running))
    return out


def snapshot():
    """The exporter's values as plain data, with or without prometheus_client."""
    pauses = _pauses()
    bounds = [str(b) for b in BUCKETS] + ['+Inf']
    return {
        'installed': _state['installed'],
        'pause_seconds': {
            str(g): {
                'count': count,
                'sum': total,
                'buckets': dict(zip(bounds, cumulative)),
            }
            for g, (cumulative, total, count) in enumerate(pauses)
        },
        'collected_objects': {str(g): _collected[g] for g in range(_GENERATIONS)},
        'uncollectable_objects': {str(g): _uncollectable[g] for g in range(_GENERATIONS)},
        'candidate_objects': (
            {str(g): _candidates[g] for g in range(_GENERATIONS)} if REPORTS_DURATION else None),
        'pause_source': 'interpreter' if REPORTS_DURATION else 'callback',
        'threshold': {str(g): t for g, t in enumerate(gc.get_threshold())},
        'pending_objects': {str(g): c for g, c in enumerate(gc.get_count())},
        'enabled': gc.isenabled(),
        'frozen_objects': gc.get_freeze_count(),
        'private_memory_bytes': private_memory_bytes(),
    }


def _reset_counters():
    for generation in range(_GENERATIONS):
        _start_ns[generation] = 0
        _sum_ns[generation] = 0
        _collected[generation] = 0
        _uncollectable[generation] = 0
        _candidates[generation] = 0
        row = _buckets[generation]
        for i in range(len(row)):
            row[i] = 0


_state = {
    'installed': False,
    'registry': None,
    'collector': None,
    'flusher': None,
    'counters': False,
}


def _multiprocess():
    return any(os.environ.get(name) for name in _MULTIPROC_ENV)


def _has_client_gc_collector(registry):
    try:
        return registry.get_sample_value('python_gc_objects_collected_total', {'generation': '0'}) is not None
    except Exception:  # a registry that cannot answer: export our own counters
        return False


class _Collector(object):
    """Reads the callback's counters and the gc module at scrape time (prometheus_client API)."""

    def __init__(self, counters):
        self.counters = counters

    def describe(self):
        return []

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        bounds = [repr(float(b)) for b in BUCKETS] + ['+Inf']
        pause = HistogramMetricFamily(
            'python_gc_pause_seconds', 'Duration of each garbage collection, from gc.callbacks',
            labels=['generation'])
        for g, (cumulative, total, _count) in enumerate(_pauses()):
            pause.add_metric([str(g)], list(zip(bounds, cumulative)), total)
        yield pause
        threshold = GaugeMetricFamily('python_gc_threshold', 'gc.get_threshold()', labels=['generation'])
        pending = GaugeMetricFamily(
            'python_gc_pending_objects', 'gc.get_count(): allocations (gen 0) or collections (gen 1, 2) '
            'since the generation was last collected', labels=['generation'])
        for g, value in enumerate(gc.get_threshold()):
            threshold.add_metric([str(g)], value)
        for g, value in enumerate(gc.get_count()):
            pending.add_metric([str(g)], value)
        yield threshold
        yield pending
        yield GaugeMetricFamily('python_gc_enabled', 'gc.isenabled()', value=1 if gc.isenabled() else 0)
        yield GaugeMetricFamily('python_gc_frozen_objects', 'gc.get_freeze_count()', value=gc.get_freeze_count())
        if self.counters:
            collected = CounterMetricFamily(
                'python_gc_collected_objects', 'Objects collected, from gc.callbacks', labels=['generation'])
            uncollectable = CounterMetricFamily(
                'python_gc_uncollectable_objects', 'Uncollectable objects found, from gc.callbacks',
                labels=['generation'])
            for g in range(_GENERATIONS):
                collected.add_metric([str(g)], _collected[g])
                uncollectable.add_metric([str(g)], _uncollectable[g])
            yield collected
            yield uncollectable
        if REPORTS_DURATION:
            candidates = CounterMetricFamily(
                'python_gc_candidate_objects', 'Objects each collection considered, from gc.callbacks (3.15+)',
                labels=['generation'])
            for g in range(_GENERATIONS):
                candidates.add_metric([str(g)], _candidates[g])
            yield candidates
        private = private_memory_bytes()
        if private is not None:
            yield GaugeMetricFamily(
                'process_private_memory_bytes',
                'Unique set size: Private_Clean + Private_Dirty from /proc/self/smaps_rollup', value=private)


def install(registry=None, flush_interval=FLUSH_INTERVAL_SECONDS):
    """Starts recording (idempotent) and exports through `registry` (prometheus_client's REGISTRY
    by default; ignored without prometheus_client). Returns True when the metrics are exported."""
    if _state['installed']:
        return _state['collector'] is not None or _state['flusher'] is not None
    try:
        import prometheus_client
    except ImportError:
        prometheus_client = None
    if prometheus_client is not None and registry is None:
        registry = prometheus_client.REGISTRY
    _reset_counters()
    gc.callbacks.append(_on_gc)
    _state['installed'] = True
    if prometheus_client is None:
        return False
    if _multiprocess():
        _state['flusher'] = _Flusher(flush_interval)
        return True
    counters = not _has_client_gc_collector(registry)
    collector = _Collector(counters)
    registry.register(collector)
    _state['registry'] = registry
    _state['collector'] = collector
    return True


def uninstall():
    """Removes the callback and the collector; the counters keep their last values."""
    if not _state['installed']:
        return
    while _on_gc in gc.callbacks:
        gc.callbacks.remove(_on_gc)
    if _state['collector'] is not None:
        try:
            _state['registry'].unregister(_state['collector'])
        except KeyError:
            pass
    if _state['flusher'] is not None:
        _state['flusher'].stop()
    _state.update(installed=False, registry=None, collector=None, flusher=None)


def flush():
    """Multiprocess mode: writes what was recorded since the last flush to this process's files now
    (the daemon thread does it every second; call it in gunicorn's worker_exit hook). Else a no-op."""
    if _state['flusher'] is not None:
        _state['flusher'].flush()


class _Flusher(object):
    """Multiprocess mode: copies the callback's counters into prometheus_client's file-backed
    metrics from a daemon thread (never from the callback, since those metrics take a lock)."""

    def __init__(self, interval):
        from prometheus_client import Counter, Gauge, Histogram

        def gauge(name, doc, labels=()):
            return Gauge(name, doc, list(labels), registry=None, multiprocess_mode='liveall')

        self.interval = interval
        self.lock = threading.Lock()  # held while flushing and across fork()
        self.pause = Histogram('python_gc_pause_seconds', 'Duration of each garbage collection, from gc.callbacks',
                               ['generation'], buckets=BUCKETS, registry=None)
        self.collected = Counter('python_gc_collected_objects', 'Objects collected, from gc.callbacks',
                                 ['generation'], registry=None)
        self.uncollectable = Counter('python_gc_uncollectable_objects',
                                     'Uncollectable objects found, from gc.callbacks', ['generation'], registry=None)
        self.candidates = Counter('python_gc_candidate_objects',
                                  'Objects each collection considered, from gc.callbacks (3.15+)', ['generation'],
                                  registry=None) if REPORTS_DURATION else None
        self.threshold = gauge('python_gc_threshold', 'gc.get_threshold()', ['generation'])
        self.pending = gauge('python_gc_pending_objects', 'gc.get_count()', ['generation'])
        self.enabled = gauge('python_gc_enabled', 'gc.isenabled()')
        self.frozen = gauge('python_gc_frozen_objects', 'gc.get_freeze_count()')
        self.private = gauge('process_private_memory_bytes',
                             'Unique set size: Private_Clean + Private_Dirty from /proc/self/smaps_rollup')
        self._forget()
        self._start()

    def _forget(self):
        self.flushed = [([0] * len(row), 0, 0, 0, 0) for row in _buckets]

    def _start(self):
        self.stopped = threading.Event()
        thread = threading.Thread(target=self._run, name='gc-incident-exporter-flush', daemon=True)
        thread.start()

    def _run(self):
        while not self.stopped.wait(self.interval):
            self.flush()

    def flush(self):
        with self.lock:
            for g in range(_GENERATIONS):
                buckets = list(_buckets[g])
                now = (buckets, _sum_ns[g], _collected[g], _uncollectable[g], _candidates[g])
                before = self.flushed[g]
                child = self.pause.labels(str(g))
                for i, value in enumerate(buckets):
                    if value != before[0][i]:
                        child._buckets[i].inc(value - before[0][i])
                if now[1] != before[1]:
                    child._sum.inc((now[1] - before[1]) / 1e9)
                if now[2] != before[2]:
                    self.collected.labels(str(g)).inc(now[2] - before[2])
                if now[3] != before[3]:
                    self.uncollectable.labels(str(g)).inc(now[3] - before[3])
                if self.candidates is not None and now[4] != before[4]:
                    self.candidates.labels(str(g)).inc(now[4] - before[4])
                self.flushed[g] = now
            for g, value in enumerate(gc.get_threshold()):
                self.threshold.labels(str(g)).set(value)
            for g, value in enumerate(gc.get_count()):
                self.pending.labels(str(g)).set(value)
            self.enabled.set(1 if gc.isenabled() else 0)
            self.frozen.set(gc.get_freeze_count())
            private = private_memory_bytes()
            if private is not None:
                self.private.set(private)

    def stop(self):
        self.stopped.set()
        self.flush()

    def before_fork(self):
        self.lock.acquire()

    def after_fork_in_parent(self):
        self.lock.release()

    def after_fork_in_child(self):
        # The child's values go to files named by its own pid (prometheus_client notices the new
        # pid), starting from zero: the parent's observations are the parent's to report.
        self.lock.release()
        self._forget()
        self._start()


def _before_fork():
    if _state['flusher'] is not None:
        _state['flusher'].before_fork()


def _after_fork_in_parent():
    if _state['flusher'] is not None:
        _state['flusher'].after_fork_in_parent()


def _after_fork_in_child():
    _reset_counters()
    if _state['flusher'] is not None:
        _state['flusher'].after_fork_in_child()


# --- Diagnostics: a read-only view of the collector's state, as JSON -----------------------------

DIAGNOSTICS_SCHEMA = 'gc-incident/diagnostics/v1'
DIAGNOSTICS_PATH = '/debug/gc'
TOP_TYPES = 20
TOP_ALLOCATIONS = 10
CENSUS_INTERVAL_SECONDS = 5.0
_MAX_NAME = 200
_CENSUS_SLICE = 50000
_census_lock = threading.Lock()
_census = {'at': None, 'value': None}


def _clean(text, limit=_MAX_NAME):
    """A name as data: control characters become '?', and it is cut to `limit` characters."""
    text = ''.join('?' if (ord(c) < 32 or 127 <= ord(c) < 160) else c for c in str(text)[:limit])
    return text


def _type_name(t):
    module = getattr(t, '__module__', None) or '?'
    name = getattr(t, '__qualname__', None) or getattr(t, '__name__', None) or '?'
    return _clean(name if module == 'builtins' else '%s.%s' % (module, name))


def _take_census(top_types, top_allocations):
    started = time.perf_counter()
    counts = collections.Counter()
    objects = gc.get_objects()
    tracked = len(objects)
    # In slices, yielding the GIL between them: the service's threads wait a few ms at a time,
    # never for the whole census.
    for start in range(0, tracked, _CENSUS_SLICE):
        counts.update(map(type, objects[start:start + _CENSUS_SLICE]))
        time.sleep(0)
    del objects
    types = [{'type': _type_name(t), 'count': n} for t, n in counts.most_common(top_types)]
    del counts
    allocations = None
    try:
        import tracemalloc
    except ImportError:  # pragma: no cover (every CPython has it)
        tracemalloc = None
    if tracemalloc is not None and tracemalloc.is_tracing():
        current, peak = tracemalloc.get_traced_memory()
        snapshot = tracemalloc.take_snapshot().filter_traces((
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, __file__),
        ))
        allocations = {
            'current_bytes': current,
            'peak_bytes': peak,
            'top': [
                {'where': _clean('%s:%d' % (s.traceback[0].filename, s.traceback[0].lineno), 300),
                 'size_bytes': s.size, 'count': s.count}
                for s in snapshot.statistics('lineno')[:top_allocations]
            ],
        }
        del snapshot
    return {
        'tracked': tracked,
        'types': types,
        'tracemalloc': allocations,
        'seconds': round(time.perf_counter() - started, 6),
    }


def diagnostics(top_types=TOP_TYPES, top_allocations=TOP_ALLOCATIONS, max_age=CENSUS_INTERVAL_SECONDS):
    """The collector's state as plain data (bounded: at most `top_types` types and `top_allocations`
    allocation sites). The object census is reused while younger than `max_age` seconds."""
    top_types = max(0, min(int(top_types), 100))
    top_allocations = max(0, min(int(top_allocations), 50))
    now = time.monotonic()
    with _census_lock:  # one census at a time; concurrent requests share it
        if _census['value'] is None or now - _census['at'] >= max_age:
            _census['value'] = _take_census(top_types, top_allocations)
            _census['at'] = time.monotonic()
        census = _census['value']
        age = time.monotonic() - _census['at']
    stats = gc.get_stats()
    return {
        'schema': DIAGNOSTICS_SCHEMA,
        'python': {
            'implementation': sys.implementation.name,
            'version': '.'.join(str(v) for v in sys.version_info[:3]),
        },
        'pid': os.getpid(),
        'enabled': gc.isenabled(),
        'thresholds': list(gc.get_threshold()),
        'counts': list(gc.get_count()),
        'frozen': gc.get_freeze_count(),
        'stats': [
            {'generation': g, 'collections': s.get('collections', 0), 'collected': s.get('collected', 0),
             'uncollectable': s.get('uncollectable', 0)}
            for g, s in enumerate(stats)
        ],
        'garbage': len(gc.garbage),
        'objects': {
            'tracked': census['tracked'],
            'top': census['types'][:top_types],
            'census_seconds': census['seconds'],
            'age_seconds': round(age, 3),
        },
        'tracemalloc': census['tracemalloc'],
    }


def diagnostics_response(method='GET'):
    """(status, headers, body) for a request to the diagnostics endpoint: GET and HEAD only."""
    headers = [('Content-Type', 'application/json'), ('Cache-Control', 'no-store'),
               ('X-Content-Type-Options', 'nosniff')]
    if method not in ('GET', 'HEAD'):
        body = json.dumps({'error': 'read-only: use GET'}).encode()
        return 405, headers + [('Allow', 'GET, HEAD')], body
    body = json.dumps(diagnostics(), sort_keys=True).encode()
    return 200, headers, b'' if method == 'HEAD' else body


def _diagnostics_handler(path):
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            pass

        def _answer(self):
            if self.path.split('?', 1)[0] != path:
                status, headers, body = 404, [('Content-Type', 'application/json')], b'{"error": "not found"}'
            else:
                status, headers, body = diagnostics_response(self.command)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(body)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    return Handler


# A client that opens a connection and sends half a request holds a thread of the user's service
# until it is dropped: each connection gets this long between bytes, and only so many are served at
# once (the rest are closed at once). 500 half-sent requests once left 502 threads behind.
DIAGNOSTICS_TIMEOUT_SECONDS = 5.0
DIAGNOSTICS_MAX_CONNECTIONS = 8


def serve_diagnostics(port=0, addr='127.0.0.1', path=DIAGNOSTICS_PATH,
                      timeout=DIAGNOSTICS_TIMEOUT_SECONDS, max_connections=DIAGNOSTICS_MAX_CONNECTIONS):
    """Serves diagnostics_response() at http://ADDR:PORT/PATH from a daemon thread (port 0: any free
    port). Returns the server: server.server_address[1] is the port, server.shutdown() stops it.
    A connection idle for `timeout` seconds is closed; beyond `max_connections` at once, new ones
    are closed without an answer."""
    from http.server import ThreadingHTTPServer

    handler = _diagnostics_handler(path)
    handler.timeout = timeout
    slots = threading.BoundedSemaphore(max_connections)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        # Connections beyond the cap are accepted and closed at once; a longer backlog lets them in
        # to be closed rather than leaving clients in SYN retries.
        request_queue_size = 64

        def process_request(self, request, client_address):
            if not slots.acquire(blocking=False):
                self.shutdown_request(request)
                return
            try:
                ThreadingHTTPServer.process_request(self, request, client_address)
            except Exception:
                slots.release()
                raise

        def process_request_thread(self, request, client_address):
            try:
                ThreadingHTTPServer.process_request_thread(self, request, client_address)
            finally:
                slots.release()

    server = Server((addr, port), handler)
    thread = threading.Thread(target=server.serve_forever, name='gc-incident-diagnostics', daemon=True)
    thread.start()
    return server


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                        after_in_child=_after_fork_in_child)
