"""Turns run.sh's results into one markdown table.

Reads a run directory: c-<r>.txt (the C anchor, "key ns" per line), jmh-<r>.json and paired-<r>.json
(JMH) for every round r, and peers.json when the peers ran. Each round's ratio to C uses that round's
own C timing (taken right before its JMH fork); the table shows the median ns/step over the rounds,
the median ratio and, with more than one round, the range of the ratios. The listener row comes from
the paired benchmark, whose iterations alternate without (even index, warm-ups counted) and with
(odd index) the listener in one JVM: its cost is the median over the rounds of each round's median of
(iteration with / mean of the neighbouring iterations without) - 1.
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
    return bench


def read_jmh(path):
    """(impl, case) -> ns/op and (impl, case) -> B/op from one JMH JSON file."""
    rows, alloc = {}, {}
    with open(path) as f:
        for r in json.load(f):
            cls, bench = r["benchmark"].rsplit(".", 2)[-2:]
            impl = "skrl4j" if cls == "AdamStepBenchmark" else cls.replace("AdamBenchmark", "")
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
    return int(re.search(r"-(\d+)\.", os.path.basename(path)).group(1))


def main(run_dir):
    rounds = sorted(round_number(p) for p in glob.glob(os.path.join(run_dir, "c-*.txt")))
    listener_cost = []  # per round: with / without - 1
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
        paired = os.path.join(run_dir, "paired-%d.json" % r)
        if os.path.exists(paired):
            with_listener, cost, paired_alloc = read_paired(paired)
            listener_cost.append(cost)
            add(("skrl4j", "policy-t1+listener"), with_listener, paired_alloc, c)
        files = [os.path.join(run_dir, "jmh-%d.json" % r)]
        if r == rounds[-1] and os.path.exists(os.path.join(run_dir, "peers.json")):
            files.append(os.path.join(run_dir, "peers.json"))  # the peers run once, after the last round
        for path in files:
            rows, allocs = read_jmh(path)
            for key, value in rows.items():
                add(key, value, allocs.get(key), c)

    several = len(rounds) > 1
    impls = ["skrl4j"] + sorted({i for i, _ in ns} - {"skrl4j"})
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
    if listener_cost:
        print("Listener cost at policy size, paired iterations in one JVM: %+.1f%% (median over %d round(s)%s)." % (
            100 * statistics.median(listener_cost), len(listener_cost),
            "; per round " + ", ".join("%+.1f%%" % (100 * x) for x in listener_cost) if several else ""))
        print()
    print("ns/step: for the large cases the median step (JMH sample mode; the C anchor also reports its median"
          " step), for the others JMH's average over 1 s iterations; each then the median over %d round(s);"
          " speed vs C = median over the rounds of (that round's C ns/step / ns/step), 1.00 = as fast as the C kernel; the zero-gradient case is compared with the C kernel on"
          " 4,610 nonzero gradients. The listener row is the paired benchmark's iterations with the listener."
          " alloc = JMH gc.alloc.rate.norm." % len(rounds))


if __name__ == "__main__":
    main(sys.argv[1])
