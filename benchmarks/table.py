"""Turns the C anchor's timings and JMH's CSV into one markdown table (used by run.sh)."""
import csv
import sys

LARGE = 16_777_216
POLICY = 4_610

c_ns = {}
with open(sys.argv[1]) as f:
    for line in f:
        key, ns = line.split()
        c_ns[key] = float(ns)

rows = {}   # (impl, case) -> ns
alloc = {}  # (impl, case) -> B/op
with open(sys.argv[2]) as f:
    for r in csv.DictReader(f):
        name, _, secondary = r["Benchmark"].partition(":")
        secondary = secondary or None
        cls, bench = name.rsplit(".", 2)[-2:]
        impl = {"AdamStepBenchmark": "skrl4j"}.get(cls, cls.replace("AdamBenchmark", "").replace("Benchmark", ""))
        p = {k[len("Param: "):]: v for k, v in r.items() if k.startswith("Param: ") and v}
        if bench == "large":
            case = "large-%sx-t%s" % (p["tensors"], p.get("threads", "1"))
        elif bench == "policy":
            case = "policy-t1" + ("+listener" if p.get("listener") == "true" else "")
        else:
            case = bench
        score = float(r["Score"])
        if secondary is None:
            rows[(impl, case)] = score
        elif secondary == "gc.alloc.rate.norm":
            alloc[(impl, case)] = score

LABELS = {
    "large-1x-t1": ("16,777,216 params, 1 tensor, clip 1.0, 1 thread", LARGE, "large-1x-t1"),
    "large-1x-t2": ("16,777,216 params, 1 tensor, clip 1.0, 2 threads", LARGE, "large-1x-t2"),
    "large-64x-t1": ("16,777,216 params, 64 x 262,144, clip 1.0, 1 thread", LARGE, "large-64x-t1"),
    "large-64x-t2": ("16,777,216 params, 64 x 262,144, clip 1.0, 2 threads", LARGE, "large-64x-t2"),
    "policy-t1": ("PPO policy, 4,610 params in 6 tensors, clip 0.5, 1 thread", POLICY, "policy-t1"),
    "policy-t1+listener": ("same + StepListener", POLICY, "policy-t1"),
    "zeroAfter1000": ("4,610 params, gradient zero after 1,000 steps", POLICY, "policy-t1"),
}
order = ["skrl4j"] + sorted({i for i, _ in rows} - {"skrl4j"})

print("| case | implementation | ns/step | params/s | speed vs C | alloc B/step |")
print("|---|---|---:|---:|---:|---:|")
for key, (label, params, c_key) in LABELS.items():
    c = c_ns.get(c_key)
    if key == c_key and c is not None:
        print("| %s | C (adam_ref.c, gcc -O3 -march=native) | %.0f | %.3g | 1.00 | - |" % (label, c, params / c * 1e9))
    for impl in order:
        ns = rows.get((impl, key))
        if ns is None:
            continue
        a = alloc.get((impl, key))
        speed = "%.2f" % (c / ns) if c else "-"
        print("| %s | %s | %.0f | %.3g | %s | %s |" % (
            label, impl, ns, params / ns * 1e9, speed, "-" if a is None else "%.2f" % a))
print()
print("speed vs C = C ns/step / ns/step (1.00 = as fast as the C kernel; the zero-gradient case is compared"
      " with the C kernel on 4,610 nonzero gradients). alloc = JMH gc.alloc.rate.norm.")
