#!/usr/bin/env python3
"""Reads StepDurationTimerBenchmark's JMH JSON (-rf json) and prints each variant's cost per step.

The iterations rotate through off, measured, timed, off2 (warm-up iterations counted, so the first
measured iteration is variant warmups % 4). Each cycle of four gives a ratio to the mean of its two
'off' iterations; the medians of those ratios are printed, with off2 / off as the noise floor.
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
        print("  %-8s %+6.1f%%  (%+.1f ns/step; ratios %s)" % (v, 100 * statistics.median(ratios),
              statistics.median(diffs), " ".join("%+.1f%%" % (100 * r) for r in ratios)))
    noise = [c["off2"] / c["off"] - 1 for c in cycles]
    print("  noise    off2/off %+6.1f%% median, range %+.1f%% .. %+.1f%%" % (
        100 * statistics.median(noise), 100 * min(noise), 100 * max(noise)))


if __name__ == "__main__":
    main(sys.argv[1])
