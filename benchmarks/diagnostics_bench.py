"""The diagnostics census against its peer, on the interpreter that runs it: a million tracked
objects, gc_incident_exporter.diagnostics() (sliced census that yields the GIL) against a plain
Counter(map(type, gc.get_objects())) measured in the same run; and the longest time another
thread waited for the GIL while the census ran. Prints one JSON line."""
import collections
import gc
import json
import sys
import threading
import time

import gc_incident_exporter as exporter


class Node(object):
    __slots__ = ('ref',)


def best(fn, runs=3):
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return min(out)


held = [Node() for _ in range(1000000)]
peer = best(lambda: collections.Counter(map(type, gc.get_objects())).most_common(20))
ours = best(lambda: exporter.diagnostics(max_age=0))

# Another thread ticking every millisecond: its longest gap is the longest GIL hold it saw.
gaps = []
stop = threading.Event()


def ticker():
    last = time.perf_counter()
    while not stop.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


def longest_wait(census):
    gaps.clear()
    stop.clear()
    thread = threading.Thread(target=ticker)
    thread.start()
    time.sleep(0.05)
    census()
    stop.set()
    thread.join()
    return max(gaps)


peer_gap = longest_wait(lambda: collections.Counter(map(type, gc.get_objects())))
our_gap = longest_wait(lambda: exporter.diagnostics(max_age=0))
cached = best(lambda: exporter.diagnostics(), runs=5)
print(json.dumps({
    'python': '%d.%d.%d' % sys.version_info[:3],
    'tracked': len(gc.get_objects()),
    'peer_s': peer,
    'ours_s': ours,
    'cached_s': cached,
    'peer_max_gil_wait_s': peer_gap,
    'ours_max_gil_wait_s': our_gap,
}))
