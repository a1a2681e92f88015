/**
 * The Python script `gc-incident calibrate` runs: it times collections with
 * gc.callbacks (start/stop around each collection, finalizers included) and
 * fits the cost model's coefficients by least squares.
 */
export const CALIBRATION_SCRIPT = String.raw`
import gc, json, sys, time
gc.disable()

class S:
    __slots__ = ('ref',)

class F:
    __slots__ = ('ref',)
    def __del__(self):
        pass

_t = {}
_pauses = []
def _probe(phase, info):
    if phase == 'start':
        _t['s'] = time.perf_counter_ns()
    else:
        _pauses.append(time.perf_counter_ns() - _t['s'])
gc.collect(); gc.freeze()
gc.callbacks.append(_probe)

def median_pause(make, repeats=5):
    # The objects stay alive (held by 'keep') while a full collection traverses them.
    samples = []
    for _ in range(repeats):
        keep = make()
        gc.collect()  # settle: the first collection after creation also promotes
        del _pauses[:]
        gc.collect()
        samples.append(_pauses[-1])
        del keep
        gc.collect()
    samples.sort()
    return samples[len(samples) // 2]

def fit(xs, ys):
    n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return slope, my - slope * mx

sizes = [100000, 300000, 1000000]
live = [median_pause(lambda n=n: [S() for _ in range(n)]) for n in sizes]
scan, fixed = fit(sizes, live)

def garbage(cls, n):
    def make():
        for _ in range(n):
            a = cls(); b = cls(); a.ref = b; b.ref = a
        return None
    return make

def timed_garbage(cls, n, repeats=5):
    samples = []
    for _ in range(repeats):
        gc.collect()
        garbage(cls, n)()
        del _pauses[:]
        gc.collect()
        samples.append(_pauses[-1])
    samples.sort()
    return samples[len(samples) // 2]

gsizes = [50000, 200000]
dead = [timed_garbage(S, n // 2) for n in gsizes]
per_dead, _ = fit(gsizes, dead)
fin = [timed_garbage(F, n // 2, 3) for n in gsizes]
per_fin, _ = fit(gsizes, fin)
print(json.dumps({
    'python': '.'.join(map(str, sys.version_info[:3])),
    'scanNs': round(scan, 2),
    'freeNs': round(max(per_dead - scan, 0.0), 2),
    'finalizerNs': round(max(per_fin - per_dead, 0.0), 2),
    'fixedNs': round(max(fixed, 0.0), 0),
}))
`;
