#!/usr/bin/env bash
# Runs the C speed anchor (adam_ref.c) and the JMH cases on this machine in one go and prints
# markdown tables: case, ns/step, params/s, speed relative to the C kernel (with its range over the
# rounds), bytes allocated per step, and the listener's cost from paired iterations; then each Optax
# option against the plain step, and the first steps of a fresh JVM.
#
# skrl4j runs twice per round: "portable" forks without JVM flags (what a JVM started the ordinary
# way runs) and "vector" forks with --add-modules jdk.incubator.vector. With JAVA25_HOME set (a JDK
# 25 home), both run on that JDK as well; the JMH harness itself runs on the java on the PATH.
#
#   benchmarks/run.sh             # skrl4j vs C (builds with ./mvnw -pl benchmarks -am package; no install)
#   benchmarks/run.sh --peers     # also ND4J, DJL (PyTorch) and Tribuo (builds with -Ppeers; downloads ~300 MB once)
#   benchmarks/run.sh --quick     # one short round, to check that everything works
#   benchmarks/run.sh --no-build  # reuse benchmarks/target/benchmarks.jar
#   benchmarks/run.sh --rounds 5  # rounds of (C anchor, then one JMH fork per case); default 3
#   benchmarks/run.sh --ramp      # only the fresh-JVM ramp: the first 200 steps (16M params, 2 threads) of
#                                 # fresh JVMs with and without the flag against 200 C steps, and the bytes
#                                 # allocated during them (one C run and one JVM per kernel per round)
#   benchmarks/run.sh --data-parallel  # only the two-JVM all-reduce (adam-hazelcast's TwoJvmAllReduceBenchmark):
#                                      # 4,610 / 1M / 16M floats, plaintext, TLS on the JDK's engine and TLS on
#                                      # BoringSSL's (netty-tcnative), each beside a raw exchange
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
peers=0 quick=0 build=1 rounds=3 ramp=0 data_parallel=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --peers) peers=1 ;;
    --quick) quick=1 rounds=1 ;;
    --no-build) build=0 ;;
    --ramp) ramp=1 ;;
    --data-parallel) data_parallel=1 ;;
    --rounds)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a positive number" >&2; exit 2; }
      rounds="$2"; shift ;;
    *) echo "unknown option $1 (use --peers, --quick, --no-build, --rounds N, --ramp, --data-parallel)" >&2; exit 2 ;;
  esac
  shift
done
out="$here/target/run"
rm -rf "$out"
mkdir -p "$out"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $data_parallel == 1 ]]; then
  # two JVMs (this one is rank 0 and starts rank 1) on loopback, as replicas run; prints a markdown table
  (cd "$root" && ./mvnw -B -q -pl adam-hazelcast -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$out/data-parallel.classpath" -Dmdep.includeScope=test)
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(java -version 2>&1 | head -1)"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $load_before"
  # Hazelcast's --add-opens (adam-hazelcast's POM property hazelcast.jvm.args), so that it does not warn
  java -Xmx2g --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens java.management/sun.management=ALL-UNNAMED \
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
    -cp "$(cat "$out/data-parallel.classpath"):$root/adam-hazelcast/target/test-classes:$root/adam-hazelcast/target/classes" \
    io.github.skrl4j.adam.hazelcast.TwoJvmAllReduceBenchmark
  exit 0
fi

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
  # the policy's tensors, as the JMH case has them (256, 64, 4096, 64, 128, 2)
  c_run policy-t1 1 256,64,4096,64,128,2 6 200000
  # small tensors, where per-call costs show: six of 768
  c_run six768-t1 1 768 6 200000
}

if [[ $quick == 1 ]]; then
  jmh_opts=(-f 1 -wi 1 -w 1 -r 1)
  iterations=2 paired_iterations=4 first_runs=1
else
  jmh_opts=(-f 1 -wi 3 -w 1 -r 1)
  iterations=5 paired_iterations=10 first_runs=3
fi
# the JDKs to run skrl4j on: "label java-binary"
jdks=("17 java")
if [[ -n "${JAVA25_HOME:-}" ]]; then
  [[ -x "$JAVA25_HOME/bin/java" ]] || { echo "JAVA25_HOME=$JAVA25_HOME has no bin/java" >&2; exit 2; }
  jdks+=("25 $JAVA25_HOME/bin/java")
fi
vector_flag=(--add-modules jdk.incubator.vector)
machine_line() { # rounds load-before
  local cpu versions="" label bin
  cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  for jdk in "${jdks[@]}"; do
    read -r label bin <<<"$jdk"
    versions+="JDK $label: $("$bin" -version 2>&1 | head -1); "
  done
  echo "Machine: $cpu, $(nproc) cores; ${versions}gcc $(gcc -dumpfullversion);" \
    "$(date -u +%Y-%m-%d), $1 round(s). Load average (1/5/15 min) before: $2, after: $(cut -d' ' -f1-3 /proc/loadavg)."
}
if [[ $ramp == 1 ]]; then
  # per round: 200 C steps (its median step x 200), then a fresh JVM per JDK and kernel (FirstStep ramp)
  for ((r = 1; r <= rounds; r++)); do
    echo "ramp round $r of $rounds: C anchor, then fresh JVMs ..." >&2
    c_run ramp-t2 2 16777216 1 200 >"$out/c-ramp-$r.txt"
    for jdk in "${jdks[@]}"; do
      read -r label bin <<<"$jdk"
      for kernel in portable vector; do
        extra=()
        [[ $kernel == vector ]] && extra=("${vector_flag[@]}")
        line="$("$bin" "${extra[@]}" -Xms2g -Xmx2g -cp "$jar" io.github.skrl4j.benchmarks.FirstStep ramp 200 2>/dev/null \
          | grep '^kernel=')"
        echo "round=$r $line" >>"$out/ramp-jdk$label-$kernel.txt"
      done
    done
  done
  python3 "$here/table.py" --ramp "$out"
  echo
  machine_line "$rounds" "$load_before"
  exit 0
fi
jmh() { # pattern json log measurement-iterations java-binary kernel
  local extra=()
  [[ $6 == vector ]] && extra=(-jvmArgsAppend "${vector_flag[*]}")
  java -jar "$jar" "$1" "${jmh_opts[@]}" -i "$4" -jvm "$(command -v "$5")" "${extra[@]}" \
    -prof gc -rf json -rff "$2" >"$3" 2>&1 || { tail -40 "$3" >&2; exit 1; }
}
for ((r = 1; r <= rounds; r++)); do
  echo "round $r of $rounds: C anchor, then JMH (skrl4j) ..." >&2
  c_cases >"$out/c-$r.txt"
  for jdk in "${jdks[@]}"; do
    read -r label bin <<<"$jdk"
    for kernel in portable vector; do
      echo "  JDK $label, $kernel kernel ..." >&2
      tag="$r-jdk$label-$kernel"
      jmh 'io\.github\.skrl4j\.benchmarks\.AdamStepBenchmark\.(large|policy|six768|policyOption|zeroAfter1000)$' \
        "$out/jmh-$tag.json" "$out/jmh-$tag.log" "$iterations" "$bin" "$kernel"
      # the listener's cost: one fork whose iterations alternate without and with it (an even count)
      jmh 'io\.github\.skrl4j\.benchmarks\.AdamStepBenchmark\.policyListenerPaired$' \
        "$out/paired-$tag.json" "$out/paired-$tag.log" "$paired_iterations" "$bin" "$kernel"
    done
  done
done
# the first steps of a fresh JVM, one JVM per run (FirstStep prints "kernel=... step1_ns=... ...")
echo "first steps of fresh JVMs ..." >&2
for jdk in "${jdks[@]}"; do
  read -r label bin <<<"$jdk"
  for kernel in portable vector; do
    extra=()
    [[ $kernel == vector ]] && extra=("${vector_flag[@]}")
    for ((k = 1; k <= first_runs; k++)); do
      "$bin" "${extra[@]}" -Xms2g -Xmx2g -cp "$jar" io.github.skrl4j.benchmarks.FirstStep 2>/dev/null \
        | grep '^kernel=' >>"$out/first-jdk$label-$kernel.txt"
    done
  done
done
if [[ $peers == 1 ]]; then
  echo "peers: JMH (ND4J, DJL, Tribuo) ..." >&2
  jmh 'io\.github\.skrl4j\.benchmarks\.(Nd4j|Djl|Tribuo)AdamBenchmark' "$out/peers.json" "$out/peers.log" "$iterations" java portable
fi

python3 "$here/table.py" "$out"
echo
machine_line "$rounds" "$load_before"
