"""Timing helpers: the best of repeated runs, taken in interleaved rounds
so that every contender sees the same machine load."""
import time


def sample(contenders, rounds=7, number=1, warmup=1, settle=0.0):
    """Seconds per call of each ``contenders[name]()``, one sample per round.

    Each round times ``number`` calls of every contender in turn, so drift
    in machine load hits all of them alike; the first ``warmup`` rounds are
    discarded.  With ``settle`` (seconds), each turn first pauses that long
    and makes two untimed calls: the worker threads of the previous
    contender (OpenBLAS, OpenMP) keep spinning for up to ~0.1 s after their
    last task and would otherwise be timed against the next one.
    """
    samples = {name: [] for name in contenders}
    for r in range(warmup + rounds):
        for name, fn in contenders.items():
            if settle:
                time.sleep(settle)
                fn()
                fn()
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            dt = (time.perf_counter() - t0) / number
            if r >= warmup:
                samples[name].append(dt)
    return samples


def interleaved(contenders, rounds=7, number=1, warmup=1, settle=0.0):
    """Best seconds per call of each contender over the rounds (see
    ``sample``): on a shared machine noise only ever adds time, so the
    fastest round is the closest estimate of what the code costs."""
    return {name: min(s) for name, s in sample(contenders, rounds, number, warmup, settle).items()}


def paired(contenders, a, b, rounds=7, number=1, warmup=1, settle=0.0):
    """Best seconds of each contender (see ``interleaved``) and the ratio a/b."""
    t = interleaved(contenders, rounds, number, warmup, settle)
    return t, t[a] / t[b]


def fmt(seconds):
    """Seconds in a readable unit."""
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"
