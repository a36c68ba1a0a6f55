"""Turns run.sh's results into markdown tables.

Reads a run directory: c-<r>.txt (the C anchor, "key ns" per line), jmh-<r>-jdk<J>-<kernel>.json and
paired-<r>-jdk<J>-<kernel>.json (JMH; kernel = portable or vector) for every round r, first-jdk<J>-
<kernel>.txt (FirstStep's lines), and peers.json when the peers ran. With --ramp it reads only
c-ramp-<r>.txt and ramp-jdk<J>-<kernel>.txt (run.sh --ramp) and prints the fresh-JVM ramp table. Each round's ratio to C uses that
round's own C timing (taken right before its JMH forks); the table shows the median ns/step over the
rounds, the median ratio and, with more than one round, the range of the ratios. The listener row
comes from the paired benchmark, whose iterations alternate without (even index, warm-ups counted)
and with (odd index) the listener in one JVM: its cost is the median over the rounds of each round's
median of (iteration with / mean of the neighbouring iterations without) - 1. The options table
compares each option with the plain policy step of the same fork.
"""
import glob
import json
import os
import re
import statistics
import sys

LARGE = 16_777_216
POLICY = 4_610

LABELS = {
    "large-1x-t1": ("16,777,216 params, 1 tensor, clip 1.0, 1 thread", LARGE, "large-1x-t1"),
    "large-1x-t2": ("16,777,216 params, 1 tensor, clip 1.0, 2 threads", LARGE, "large-1x-t2"),
    "large-64x-t1": ("16,777,216 params, 64 x 262,144, clip 1.0, 1 thread", LARGE, "large-64x-t1"),
    "large-64x-t2": ("16,777,216 params, 64 x 262,144, clip 1.0, 2 threads", LARGE, "large-64x-t2"),
    "policy-t1": ("PPO policy, 4,610 params in 6 tensors, clip 0.5, 1 thread", POLICY, "policy-t1"),
    "policy-t1+listener": ("same + StepListener", POLICY, "policy-t1"),
    "six768-t1": ("4,608 params, 6 tensors of 768, clip 1.0, 1 thread", 6 * 768, "six768-t1"),
    "zeroAfter1000": ("4,610 params, gradient zero after 1,000 steps", POLICY, "policy-t1"),
}
C_LABEL = "C (adam_ref.c, gcc -O3 -march=native)"


def read_c(path):
    result = {}
    with open(path) as f:
        for line in f:
            key, ns = line.split()
            result[key] = float(ns)
    return result


def case_of(bench, params):
    if bench == "large":
        return "large-%sx-t%s" % (params["tensors"], params.get("threads", "1"))
    if bench == "policy":
        return "policy-t1"
    if bench == "six768":
        return "six768-t1"
    if bench == "policyOption":
        return "option-" + params["option"]
    return bench


def skrl4j_label(path):
    """'skrl4j portable, JDK 17' from a file name like jmh-3-jdk17-portable.json."""
    m = re.search(r"-jdk(\d+)-(portable|vector)\.", os.path.basename(path))
    return "skrl4j %s, JDK %s" % (m.group(2), m.group(1)) if m else "skrl4j"


def read_jmh(path):
    """(impl, case) -> ns/op and (impl, case) -> B/op from one JMH JSON file."""
    rows, alloc = {}, {}
    with open(path) as f:
        for r in json.load(f):
            cls, bench = r["benchmark"].rsplit(".", 2)[-2:]
            impl = skrl4j_label(path) if cls == "AdamStepBenchmark" else cls.replace("AdamBenchmark", "")
            key = (impl, case_of(bench, r.get("params", {})))
            metric = r["primaryMetric"]
            # sampled benchmarks (the large cases): the median step, as the C anchor reports it
            rows[key] = metric["scorePercentiles"]["50.0"] if r["mode"] == "sample" else metric["score"]
            norm = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
            if norm is not None:
                alloc[key] = norm["score"]
    return rows, alloc


def read_paired(path):
    """(ns/op with the listener, its cost, B/op) from the paired benchmark's JSON file.

    The cost compares each iteration with the listener to the mean of its neighbours without it, so
    that a drift of the step time during the fork (it happens, listener or not) cancels out.
    """
    with open(path) as f:
        r = json.load(f)[0]
    warmups = r["warmupIterations"]
    with_listener, costs = [], []
    for fork in r["primaryMetric"]["rawData"]:
        listening = [(warmups + j) % 2 == 1 for j in range(len(fork))]
        for j, score in enumerate(fork):
            if not listening[j]:
                continue
            with_listener.append(score)
            neighbours = [fork[k] for k in (j - 1, j + 1) if 0 <= k < len(fork) and not listening[k]]
            if neighbours:
                costs.append(score / statistics.mean(neighbours) - 1)
    norm = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    return statistics.median(with_listener), statistics.median(costs), None if norm is None else norm["score"]


def round_number(path):
    return int(re.search(r"^c-(\d+)\.", os.path.basename(path)).group(1))


def first_steps(run_dir):
    """Table of the first steps of fresh JVMs, from first-jdk<J>-<kernel>.txt."""
    rows = []
    for path in sorted(glob.glob(os.path.join(run_dir, "first-jdk*-*.txt"))):
        m = re.search(r"first-jdk(\d+)-(portable|vector)\.txt", os.path.basename(path))
        steps = {}
        kernel = "?"
        with open(path) as f:
            for line in f:
                for field in line.split():
                    key, value = field.split("=")
                    if key == "kernel":
                        kernel = value
                    else:
                        steps.setdefault(int(key[4:-3]), []).append(float(value))
        if steps:
            rows.append((int(m.group(1)), m.group(2), kernel, steps))
    if not rows:
        return
    print("First steps of a fresh JVM: 16,777,216 params, 1 tensor, clip 1.0, 2 threads (medians over %d JVM(s) each;"
          " ratio = first step / the portable kernel's first step on the same JDK)." % len(rows[0][3][1]))
    print()
    print("| JDK | run | kernel | step 1 ms | step 2 ms | step 5 ms | step 1 vs portable |")
    print("|---|---|---|---:|---:|---:|---:|")
    portable_first = {jdk: statistics.median(steps[1]) for jdk, run, _, steps in rows if run == "portable"}
    for jdk, run, kernel, steps in rows:
        first = statistics.median(steps[1])
        last = max(steps)
        ratio = "%.2f" % (first / portable_first[jdk]) if jdk in portable_first else "-"
        print("| %d | %s | %s | %.1f | %.1f | %.1f | %s |" % (
            jdk, run, kernel, first / 1e6, statistics.median(steps[2]) / 1e6, statistics.median(steps[last]) / 1e6,
            ratio))
    print()


def ramp(run_dir):
    """Table of the first 200 steps of fresh JVMs against 200 C steps, from run.sh --ramp."""
    c_ns = {}  # round -> C ns per step
    for path in glob.glob(os.path.join(run_dir, "c-ramp-*.txt")):
        r = int(re.search(r"c-ramp-(\d+)\.txt", os.path.basename(path)).group(1))
        for key, value in read_c(path).items():
            c_ns[r] = value
    rows = []
    for path in sorted(glob.glob(os.path.join(run_dir, "ramp-jdk*-*.txt"))):
        m = re.search(r"ramp-jdk(\d+)-(portable|vector)\.txt", os.path.basename(path))
        runs = []
        with open(path) as f:
            for line in f:
                fields = dict(field.split("=", 1) for field in line.split())
                if "ns" in fields:
                    runs.append(fields)
        if runs:
            rows.append((int(m.group(1)), m.group(2), runs))
    if not rows:
        print("no ramp results in " + run_dir)
        return
    print("The first steps of a fresh JVM: 16,777,216 params, 1 tensor, clip 1.0, 2 threads; one JVM per kernel"
          " and round, each against that round's C run (its median step x the steps). Times are medians over the"
          " rounds (range in brackets); allocation is the largest over the rounds, first step's setup included;"
          " init is the optimizer's start before the first step (the first optimizer of a JVM warms the portable"
          " loops there), not in the steps' time.")
    print()
    print("| JDK | run | kernel | steps | ms | vs C's steps | init ms | training thread allocated | worker allocated |"
          " vector kernel from step |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for jdk, run, runs in rows:
        ms = [int(x["ns"]) / 1e6 for x in runs]
        ratios = [int(x["ns"]) / (c_ns[int(x["round"])] * int(x["steps"])) for x in runs if int(x["round"]) in c_ns]
        ratio = "%.2f" % statistics.median(ratios) if ratios else "-"
        if len(ratios) > 1:
            ratio += " (%.2f-%.2f)" % (min(ratios), max(ratios))
        warm = [int(x["warm_after_step"]) for x in runs]
        init = [int(x["init_ns"]) / 1e6 for x in runs if "init_ns" in x]
        print("| %d | %s | %s | %s | %.0f | %s | %s | %s | %s | %s |" % (
            jdk, run, runs[0]["kernel"], runs[0]["steps"], statistics.median(ms), ratio,
            "%.0f" % statistics.median(init) if init else "-",
            human_bytes(max(int(x["allocated_bytes"]) for x in runs)),
            human_bytes(max(int(x["workers_allocated_bytes"]) for x in runs)),
            "-" if run == "portable" else ", ".join(str(w) if w else "not yet" for w in warm)))
    print()


def human_bytes(n):
    if n >= 1 << 20:
        return "%.1f MB" % (n / (1 << 20))
    if n >= 1 << 10:
        return "%.0f KB" % (n / (1 << 10))
    return "%d B" % n


def main(run_dir):
    rounds = sorted(round_number(p) for p in glob.glob(os.path.join(run_dir, "c-*.txt")))
    listener_cost = {}  # impl -> per round: with / without - 1
    c_ns = {}      # case -> [ns per round]
    ns = {}        # (impl, case) -> [ns per round]
    ratios = {}    # (impl, case) -> [C ns / ns per round]
    alloc = {}     # (impl, case) -> [B/op per round]

    def add(key, value, bytes_per_op, c):
        """One round's ns/op of (impl, case), its ratio to that round's C timing, its B/op."""
        ns.setdefault(key, []).append(value)
        c_key = LABELS.get(key[1], (None, None, None))[2]
        if c_key in c:
            ratios.setdefault(key, []).append(c[c_key] / value)
        if bytes_per_op is not None:
            alloc.setdefault(key, []).append(bytes_per_op)

    for r in rounds:
        c = read_c(os.path.join(run_dir, "c-%d.txt" % r))
        for key, value in c.items():
            c_ns.setdefault(key, []).append(value)
        for paired in sorted(glob.glob(os.path.join(run_dir, "paired-%d-*.json" % r))):
            with_listener, cost, paired_alloc = read_paired(paired)
            listener_cost.setdefault(skrl4j_label(paired), []).append(cost)
            add((skrl4j_label(paired), "policy-t1+listener"), with_listener, paired_alloc, c)
        files = sorted(glob.glob(os.path.join(run_dir, "jmh-%d-*.json" % r)))
        if r == rounds[-1] and os.path.exists(os.path.join(run_dir, "peers.json")):
            files.append(os.path.join(run_dir, "peers.json"))  # the peers run once, after the last round
        for path in files:
            rows, allocs = read_jmh(path)
            for key, value in rows.items():
                add(key, value, allocs.get(key), c)

    several = len(rounds) > 1
    skrl4j = sorted({i for i, _ in ns if i.startswith("skrl4j")})
    impls = skrl4j + sorted({i for i, _ in ns} - set(skrl4j))
    header = "| case | implementation | ns/step | params/s | speed vs C |"
    rule = "|---|---|---:|---:|---:|"
    if several:
        header += " range over rounds |"
        rule += "---:|"
    print(header + " alloc B/step |")
    print(rule + "---:|")
    for key, (label, params, c_key) in LABELS.items():
        if key == c_key and key in c_ns:
            c = statistics.median(c_ns[key])
            spread = " %.0f-%.0f ns |" % (min(c_ns[key]), max(c_ns[key])) if several else ""
            print("| %s | %s | %.0f | %.3g | 1.00 |%s - |" % (label, C_LABEL, c, params / c * 1e9, spread))
        for impl in impls:
            values = ns.get((impl, key))
            if not values:
                continue
            t = statistics.median(values)
            rs = ratios.get((impl, key), [])
            speed = "%.2f" % statistics.median(rs) if rs else "-"
            spread = ""
            if several:
                spread = " %.2f-%.2f |" % (min(rs), max(rs)) if len(rs) > 1 else " (1 round) |"
            a = alloc.get((impl, key))
            print("| %s | %s | %.0f | %.3g | %s |%s %s |" % (
                label, impl, t, params / t * 1e9, speed, spread,
                "-" if not a else "%.2f" % statistics.median(a)))
    print()
    for impl, costs in sorted(listener_cost.items()):
        print("Listener cost at policy size (%s), paired iterations in one JVM: %+.1f%% (median over %d round(s)%s)." % (
            impl, 100 * statistics.median(costs), len(costs),
            "; per round " + ", ".join("%+.1f%%" % (100 * x) for x in costs) if several else ""))
    if listener_cost:
        print()
    options = sorted({case[len("option-"):] for _, case in ns if case.startswith("option-")})
    if options:
        print("Optax options at policy size (4,610 params, clip 0.5, 1 thread): ns/step and the ratio to the plain step"
              " of the same fork (median over the rounds; issue 12's target: at most 1.30).")
        print()
        print("| implementation | " + " | ".join(options) + " |")
        print("|---|" + "---:|" * len(options))
        for impl in skrl4j:
            plain = ns.get((impl, "option-plain"))
            if not plain:
                continue
            cells = []
            for o in options:
                values = ns.get((impl, "option-" + o))
                if not values:
                    cells.append("-")
                    continue
                ratio = statistics.median(v / p for v, p in zip(values, plain))
                cells.append("%.0f (%.2f)" % (statistics.median(values), ratio))
            print("| %s | %s |" % (impl, " | ".join(cells)))
        print()
    first_steps(run_dir)
    print("ns/step: for the large cases the median step (JMH sample mode; the C anchor also reports its median"
          " step), for the others JMH's average over 1 s iterations; each then the median over %d round(s);"
          " speed vs C = median over the rounds of (that round's C ns/step / ns/step), 1.00 = as fast as the C kernel; the zero-gradient case is compared with the C kernel on"
          " 4,610 nonzero gradients. The listener row is the paired benchmark's iterations with the listener."
          " alloc = JMH gc.alloc.rate.norm." % len(rounds))


if __name__ == "__main__":
    if sys.argv[1] == "--ramp":
        ramp(sys.argv[2])
    else:
        main(sys.argv[1])
