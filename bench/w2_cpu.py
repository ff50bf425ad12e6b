#!/usr/bin/python3
"""W2-cpu, TaskFlow's side: N CPU-bound tasks, serial engine against the
parallel engine, in the same process, one run of each per measured run.

The peer folder has no such script (its W2 only sleeps), so this one lives in
Atomflow's bench/ and borrows the peer's helpers (common.py): run it from the
peer folder, as `npm run bench` does.

Each task does a fixed number of xorshift32 steps (the loop bench/cpu-task.ts
runs), calibrated so one takes about --task-ms here. Per run it times
engine.run() of:
  * the serial engine                            -> serial_s
  * the parallel engine, executor = a process pool of --pool-workers
    processes made once and reused across runs  -> run_s, speedup
  * the parallel engine, executor="threaded" (the peer's W2 executor; the
    GIL lets one thread compute at a time)        -> threads_s, threads_speedup

Example (from ../shared/peer/taskflow):
  /usr/bin/python3 ../../main/bench/w2_cpu.py --n 8 --task-ms 250 --workers 8
"""

import concurrent.futures
import os
import sys

# common.py is the peer's: the current folder when run as documented.
sys.path.insert(0, os.getcwd())

import common  # noqa: E402  (first: sets up the environment)
import taskflow.engines  # noqa: E402
from taskflow import task  # noqa: E402
from taskflow.patterns import unordered_flow  # noqa: E402


def burn(rounds):
    """rounds xorshift32 steps from a fixed seed (as burn() in cpu-task.ts)."""
    x = 0x2545F491
    for _ in range(rounds):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
    return x


class Burn(task.Task):
    """Returns (burn(rounds), pid): the pid proves which process computed it."""

    def __init__(self, name, rounds):
        super(Burn, self).__init__(name=name, provides=name)
        self._rounds = rounds

    def execute(self):
        return burn(self._rounds), os.getpid()


def rounds_for(ms):
    """Rounds that take about ms here (the fastest of 3 probes: the one
    no other process interrupted)."""
    burn(100000)
    probe = 1000000
    took = float("inf")
    for _ in range(3):
        t0 = common.now()
        burn(probe)
        took = min(took, common.now() - t0)
    return max(1, int(round(probe * ms / 1000.0 / took)))


def timed_run(args, rounds, **load_options):
    flow = unordered_flow.Flow("w2cpu")
    names = ["c%d" % i for i in range(args.n)]
    flow.add(*[Burn(name, rounds) for name in names])
    engine = taskflow.engines.load(flow, **load_options)
    engine.compile()
    engine.prepare()
    engine.validate()
    t0 = common.now()
    engine.run()
    took = common.now() - t0
    results = [engine.storage.fetch(name) for name in names]
    return took, results


def check(label, results, expected, remote):
    for state, pid in results:
        if state != expected:
            raise AssertionError("%s: state %r, expected %r" % (label, state, expected))
        if remote and pid == os.getpid():
            raise AssertionError("%s: a task ran in the engine's process" % label)


def one_run(args, rounds, pool):
    serial_s, results = timed_run(args, rounds, engine="serial")
    expected = results[0][0]
    check("serial", results, expected, remote=False)
    run_s, results = timed_run(args, rounds, engine="parallel",
                               executor=pool)
    check("processes", results, expected, remote=True)
    threads_s, results = timed_run(args, rounds, engine="parallel",
                                   executor="threaded",
                                   max_workers=args.workers)
    check("threaded", results, expected, remote=False)
    return {
        "serial_s": serial_s,
        "run_s": run_s,
        "speedup": serial_s / run_s,
        "threads_s": threads_s,
        "threads_speedup": serial_s / threads_s,
    }


def main():
    p = common.base_parser(__doc__, n_default=8)
    p.add_argument("--task-ms", type=float, default=250.0)
    p.add_argument("--workers", type=int, default=8,
                   help="threaded executor max_workers (default %(default)s)")
    p.add_argument("--pool-workers", type=int, default=os.cpu_count(),
                   help="processes of the pool (default: the CPUs, %(default)s)")
    args = p.parse_args()
    rounds = rounds_for(args.task_ms)
    common.log("w2 cpu: %d rounds per task (~%g ms here)" % (rounds, args.task_ms))
    # Made once and reused, as Atomflow's shared pool is: the warm-up run
    # starts its processes, the measured runs find them running.
    with concurrent.futures.ProcessPoolExecutor(
            max_workers=args.pool_workers) as pool:
        runs = common.repeat(lambda a: one_run(a, rounds, pool), args,
                             "w2 cpu n=%d" % args.n)
    common.emit("W2-cpu-%dx%gms" % (args.n, args.task_ms),
                {"n": args.n, "task_ms": args.task_ms, "rounds": rounds,
                 "engine": "serial vs parallel",
                 "executor": "ProcessPoolExecutor(%d) and threaded(%d)"
                             % (args.pool_workers, args.workers),
                 "repeat": args.repeat, "warmup": args.warmup},
                runs,
                headline=["serial_s", "run_s", "speedup", "threads_s",
                          "threads_speedup"])


if __name__ == "__main__":
    main()
