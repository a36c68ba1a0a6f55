#!/usr/bin/env bash
# Runs the C speed anchor (adam_ref.c) and the JMH cases on this machine in one go and prints one
# markdown table: case, ns/step, params/s, speed relative to the C kernel (with its range over the
# rounds), bytes allocated per step, and the listener's cost from paired iterations.
#
#   benchmarks/run.sh             # skrl4j vs C (builds with ./mvnw -pl benchmarks -am package; no install)
#   benchmarks/run.sh --peers     # also ND4J, DJL (PyTorch) and Tribuo (builds with -Ppeers; downloads ~300 MB once)
#   benchmarks/run.sh --quick     # one short round, to check that everything works
#   benchmarks/run.sh --no-build  # reuse benchmarks/target/benchmarks.jar
#   benchmarks/run.sh --rounds 5  # rounds of (C anchor, then one JMH fork per case); default 3
#
# One run is several rounds, because on a shared or virtual machine the memory bandwidth drifts over
# minutes and each JVM fork places its small arrays differently against cache lines: every round runs
# the C anchor right before its JMH fork, each round gives its own ratio, and the table shows the
# medians and the range of the ratios. The peers run once, after the rounds.
#
# Needs JDK 17+, gcc with OpenMP, python3. Timings are only comparable within one run: check that the
# machine is otherwise idle (`uptime`); the load average before and after is printed with the table.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
peers=0 quick=0 build=1 rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --peers) peers=1 ;;
    --quick) quick=1 rounds=1 ;;
    --no-build) build=0 ;;
    --rounds)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a positive number" >&2; exit 2; }
      rounds="$2"; shift ;;
    *) echo "unknown option $1 (use --peers, --quick, --no-build, --rounds N)" >&2; exit 2 ;;
  esac
  shift
done
out="$here/target/run"
rm -rf "$out"
mkdir -p "$out"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $build == 1 ]]; then
  profile=()
  [[ $peers == 1 ]] && profile=(-Ppeers)
  echo "building benchmarks.jar ..." >&2
  (cd "$root" && ./mvnw -B -q -pl benchmarks -am package -DskipTests "${profile[@]}")
fi
jar="$here/target/benchmarks.jar"

echo "compiling the C anchor ..." >&2
gcc -O3 -march=native -fno-math-errno -fopenmp "$here/adam_ref.c" -o "$out/adam_ref" -lm
c_run() { # key threads elements-per-tensor tensors steps
  local line
  line="$(OMP_NUM_THREADS="$2" OMP_PROC_BIND=true "$out/adam_ref" "$3" "$4" "$5")"
  echo "$1 $(sed -E 's/.*median_ns_per_step=([0-9.]+).*/\1/' <<<"$line")"
}
c_cases() {
  c_run large-1x-t1 1 16777216 1 20
  c_run large-1x-t2 2 16777216 1 20
  c_run large-64x-t1 1 262144 64 20
  c_run large-64x-t2 2 262144 64 20
  c_run policy-t1 1 4610 1 200000
}

if [[ $quick == 1 ]]; then
  jmh_opts=(-f 1 -wi 1 -w 1 -r 1)
  iterations=2 paired_iterations=4
else
  jmh_opts=(-f 1 -wi 3 -w 1 -r 1)
  iterations=5 paired_iterations=10
fi
jmh() { # pattern json log measurement-iterations
  java -jar "$jar" "$1" "${jmh_opts[@]}" -i "$4" -prof gc -rf json -rff "$2" >"$3" 2>&1 \
    || { tail -40 "$3" >&2; exit 1; }
}
for ((r = 1; r <= rounds; r++)); do
  echo "round $r of $rounds: C anchor, then JMH (skrl4j) ..." >&2
  c_cases >"$out/c-$r.txt"
  jmh 'io\.github\.skrl4j\.benchmarks\.AdamStepBenchmark\.(large|policy|zeroAfter1000)$' \
    "$out/jmh-$r.json" "$out/jmh-$r.log" "$iterations"
  # the listener's cost: one fork whose iterations alternate without and with it (an even count)
  jmh 'io\.github\.skrl4j\.benchmarks\.AdamStepBenchmark\.policyListenerPaired$' \
    "$out/paired-$r.json" "$out/paired-$r.log" "$paired_iterations"
done
if [[ $peers == 1 ]]; then
  echo "peers: JMH (ND4J, DJL, Tribuo) ..." >&2
  jmh 'io\.github\.skrl4j\.benchmarks\.(Nd4j|Djl|Tribuo)AdamBenchmark' "$out/peers.json" "$out/peers.log" "$iterations"
fi

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/table.py" "$out"
cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo
echo "Machine: $cpu, $(nproc) cores; $(java -version 2>&1 | head -1); gcc $(gcc -dumpfullversion);" \
  "$(date -u +%Y-%m-%d), $rounds round(s). Load average (1/5/15 min) before: $load_before, after: $load_after."
