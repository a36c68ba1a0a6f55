#!/usr/bin/env python3
"""Reads StepDurationTimerBenchmark's JMH JSON (-rf json) and prints each variant's cost per step.

The iterations rotate through off, measured, timed, off2 (warm-up iterations counted, so the first
measured iteration is variant warmups % 4). Each cycle of four gives a ratio to the mean of its two
'off' iterations; the medians and quartiles of those ratios are printed, with off2's own ratio as
the noise floor (two identical optimizers).
Usage: step_duration.py result.json
"""
import json
import statistics
import sys

VARIANTS = ["off", "measured", "timed", "off2"]


def main(path):
    with open(path) as f:
        run = json.load(f)[0]
    warmups = run["warmupIterations"]
    raw = run["primaryMetric"]["rawData"][0]
    per = {v: [] for v in VARIANTS}
    cycles = []
    cycle = {}
    for i, score in enumerate(raw):
        variant = VARIANTS[(warmups + i) % 4]
        per[variant].append(score)
        cycle[variant] = score
        if len(cycle) == 4:
            cycles.append(cycle)
            cycle = {}
    print("variant   median ns/step  iterations")
    for v in VARIANTS:
        print("%-9s %14.1f  %d" % (v, statistics.median(per[v]), len(per[v])))
    print("per cycle of 4 (%d cycles), median of ratio to mean(off, off2):" % len(cycles))
    for v in ["measured", "timed"]:
        ratios = [c[v] / ((c["off"] + c["off2"]) / 2) - 1 for c in cycles]
        diffs = [c[v] - (c["off"] + c["off2"]) / 2 for c in cycles]
        q1, _, q3 = statistics.quantiles(ratios, n=4)
        print("  %-8s %+6.1f%%  (%+.1f ns/step; quartiles of the ratios %+.1f%% .. %+.1f%%)" % (
            v, 100 * statistics.median(ratios), statistics.median(diffs), 100 * q1, 100 * q3))
    noise = [c["off2"] / ((c["off"] + c["off2"]) / 2) - 1 for c in cycles]
    q1, _, q3 = statistics.quantiles(noise, n=4)
    print("  off2     %+6.1f%%  (the noise floor: two identical optimizers; quartiles %+.1f%% .. %+.1f%%)" % (
        100 * statistics.median(noise), 100 * q1, 100 * q3))


if __name__ == "__main__":
    main(sys.argv[1])
