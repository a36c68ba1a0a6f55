#!/usr/bin/env python3
"""Issue 22's drill: two sample replicas started with the README's commands, failed the way machines fail.

Runs each scenario on loopback with a cluster name and ports of its own and prints, per scenario, the wall time
from the first replica's start until both report SOLVED, its ratio to the uninterrupted run measured in the same
invocation, how long after the failure (the SIGCONT, the restart command, the failed operation) both replicas
were training again in a re-formed world, both replicas' parameter checksums and restarts. Scenarios:

  uninterrupted  both replicas train to SOLVED
  kill-1         rank 1 is killed (SIGKILL) mid-training and started again with the same command
  kill-0         the same with rank 0
  stop-30        rank 1 is frozen (SIGSTOP) for 30 s mid-training, then continued (SIGCONT)
  fault          one collective operation of rank 1 fails (POST /api/faults/collective-failure)

"Mid-training" is when rank 0 has done half the updates the uninterrupted run needed. Needs the packaged jar
(./mvnw -B -pl sample-app -am package -DskipTests; --jar PATH runs another build of it, e.g. a copy kept to compare
with). Usage: sample-app/drill/replica-drill.py [--rounds N] [--jar PATH] [scenario ...]
(each round runs the uninterrupted case first and the ratios of that round are to it; with N > 1 the medians follow)

  batch          not a failure: the README's batch mode, one process against two replicas as an operator runs them
                 (--server.port=0 --sample.training.exit-when-done=true; the replicas with the distributed profile
                 and their ranks, started together). The wall time is from the first start until every process has
                 exited with status 0 (SOLVED); the replicas' parameter checksums come from their last log lines.
                 Each round runs one process and the two replicas (the order alternating between rounds, so that the
                 machine's drift hits both) and prints the replicas' wall time over the single process's, with each
                 process's phases from its log: start (launch to the first training step), training (to SOLVED) and
                 stop (SOLVED to exit), and the load average before the round. Runs without the uninterrupted case.
"""
import datetime
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "sample-app", "target", "sample-app-0.1.0-SNAPSHOT.jar")
SCENARIOS = ["uninterrupted", "kill-1", "kill-0", "stop-30", "fault"]
BATCH = ["--server.port=0", "--sample.training.exit-when-done=true"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Replica:
    def __init__(self, workdir, cluster, hz_port, rank):
        self.workdir, self.cluster, self.hz_port, self.rank = workdir, cluster, hz_port, rank
        self.http_port = free_port()
        self.process = None
        self.starts = 0
        self.log_path = None
        self.launched = None

    def command(self):
        # the README's line, on this drill's own cluster name, ports and checkpoint directory
        return ["java", "-Dhz.cluster-name=" + self.cluster, "-Dhz.network.port.port=%d" % self.hz_port,
                "--add-modules", "jdk.incubator.vector", "-jar", JAR, "--spring.profiles.active=distributed",
                "--server.port=%d" % self.http_port, "--skrl.optim.adam.distributed.rank=%d" % self.rank,
                "--sample.training.checkpoint-dir=" + os.path.join(self.workdir, "checkpoints-rank-%d" % self.rank),
                # the fault switches (the fault scenario's POST); no effect until used
                "--sample.faults.enabled=true"]

    def start(self):
        self.starts += 1
        self.log_path = os.path.join(self.workdir, "%s-start-%d.log" % (self.name(), self.starts))
        log = open(self.log_path, "w")
        self.launched = time.time()
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        return self

    def name(self):
        return "rank-%d" % self.rank

    def training(self):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/api/training" % self.http_port, timeout=3) as r:
                return json.load(r)
        except OSError:
            return None

    def post(self, path):
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (self.http_port, path), data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status

    def signal(self, sig):
        os.kill(self.process.pid, sig)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


class BatchReplica(Replica):
    """A replica in batch mode: the README's line with --server.port=0 and exit-when-done, no fault switch."""

    def command(self):
        return ["java", "-Dhz.cluster-name=" + self.cluster, "-Dhz.network.port.port=%d" % self.hz_port,
                "--add-modules", "jdk.incubator.vector", "-jar", JAR, "--spring.profiles.active=distributed",
                "--skrl.optim.adam.distributed.rank=%d" % self.rank,
                "--sample.training.checkpoint-dir=" + os.path.join(self.workdir, "checkpoints-rank-%d" % self.rank),
                ] + BATCH


class SingleProcess(Replica):
    """The same jar without the distributed profile: one process trains alone (README's batch mode)."""

    def __init__(self, workdir):
        super().__init__(workdir, None, None, 0)

    def name(self):
        return "single"

    def command(self):
        return ["java", "--add-modules", "jdk.incubator.vector", "-jar", JAR,
                "--sample.training.checkpoint-dir=" + os.path.join(self.workdir, "checkpoints-single")] + BATCH


def wait_for(replica, condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t = replica.training()
        if t is not None and condition(t):
            return t
        if replica.process.poll() is not None:
            raise RuntimeError("rank %d exited while waiting for %s" % (replica.rank, what))
        time.sleep(0.2)
    raise RuntimeError("rank %d: no %s within %d s" % (replica.rank, what, seconds))


def final(t):
    return t["status"] not in ("RUNNING", "IDLE")


def training(t):
    return t.get("replica", {}).get("world") == "TRAINING"


def run(scenario, half_updates):
    workdir = tempfile.mkdtemp(prefix="replica-drill-")
    cluster, hz_port = "skrl4j-drill-" + uuid.uuid4().hex, free_port()
    replicas = [Replica(workdir, cluster, hz_port, r) for r in (0, 1)]
    began = time.monotonic()
    try:
        for r in replicas:
            r.start()
        if scenario != "uninterrupted":
            wait_for(replicas[0], lambda t: t["updates"] >= half_updates or final(t), 300, "half the updates")
            victim = replicas[0] if scenario == "kill-0" else replicas[1]
            if scenario.startswith("kill"):
                victim.process.kill()
                victim.process.wait()
                victim.start()
            elif scenario == "stop-30":
                victim.signal(signal.SIGSTOP)
                time.sleep(30)
                victim.signal(signal.SIGCONT)
            elif scenario == "fault":
                victim.post("/api/faults/collective-failure")
            failed_at = time.monotonic()
            survivor = replicas[1] if victim is replicas[0] else replicas[0]
            wait_for(survivor, lambda t: final(t) or (t["replica"].get("restarts", 0) >= 1 and training(t)), 600,
                     "training in a re-formed world")
            wait_for(victim, lambda t: final(t) or training(t), 600, "training again")
            back = time.monotonic() - failed_at
        else:
            back = None
        ends = [wait_for(r, final, 600, "end") for r in replicas]
        wall = time.monotonic() - began
        return {"scenario": scenario, "wall": wall, "back": back, "status": [e["status"] for e in ends],
                "updates": [e["updates"] for e in ends],
                "checksums": [e["replica"]["parameterChecksum"] for e in ends],
                "restarts": [e["replica"].get("restarts") for e in ends], "logs": workdir}
    finally:
        for r in replicas:
            r.stop()


LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z")


def log_time(line):
    m = LOG_TIME.match(line)
    stamp = datetime.datetime.strptime(m.group(1)[:23], "%Y-%m-%dT%H:%M:%S.%f")
    return stamp.replace(tzinfo=datetime.timezone.utc).timestamp()


def phases(process, exited):
    """From a batch process's log: when training began and ended SOLVED, its checksum; times from its launch."""
    began = solved = checksum = None
    for line in open(process.log_path, errors="replace"):
        # a replica trains once its world formed; one process as soon as it starts
        if began is None and ("Training data-parallel as rank" in line
                              or (process.cluster is None and "Training PPO on CartPole-v1" in line)):
            began = log_time(line)
        elif "Training SOLVED after" in line:
            solved = log_time(line)
        elif "ended with parameter checksum" in line:
            checksum = re.search(r"parameter checksum (\S+)", line).group(1)
    if began is None or solved is None:
        raise RuntimeError("no training start or SOLVED line in " + process.log_path)
    return {"start": began - process.launched, "training": solved - began, "stop": exited - solved,
            "checksum": checksum}


def run_batch(processes):
    """Starts the processes together and waits for every one to exit; returns the wall time and their phases."""
    began = time.monotonic()
    for p in processes:
        p.start()
    exits = {}
    try:
        while len(exits) < len(processes):
            for p in processes:
                if p not in exits and p.process.poll() is not None:
                    exits[p] = time.time()
                    if p.process.returncode != 0:
                        raise RuntimeError("exit status %d (not SOLVED): %s" % (p.process.returncode, p.log_path))
            if time.monotonic() - began > 900:
                raise RuntimeError("no exit within 900 s")
            time.sleep(0.05)
        return time.monotonic() - began, [phases(p, exits[p]) for p in processes]
    finally:
        for p in processes:
            p.stop()


def batch_round(n):
    workdir = tempfile.mkdtemp(prefix="replica-drill-batch-")
    load = os.getloadavg()
    cluster, hz_port = "skrl4j-drill-" + uuid.uuid4().hex, free_port()
    single = lambda: run_batch([SingleProcess(workdir)])
    pair = lambda: run_batch([BatchReplica(workdir, cluster, hz_port, r) for r in (0, 1)])
    if n % 2 == 1:
        single_wall, single_phases = single()
        pair_wall, pair_phases = pair()
    else:
        pair_wall, pair_phases = pair()
        single_wall, single_phases = single()
    return {"round": n, "load": load, "single": single_wall, "single_phases": single_phases[0],
            "replicas": pair_wall, "replica_phases": pair_phases, "ratio": pair_wall / single_wall, "logs": workdir}


def print_batch(rows):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print("\n%s, %d cores, %s" % (cpu, os.cpu_count(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("| round | load average before (1, 5, 15 min) | order | one process: wall (start, training, stop) s"
          " | two replicas: wall s | rank 0 (start, training, stop) s | rank 1 (start, training, stop) s"
          " | checksums equal | replicas / one process |")
    print("|---:|---|---|---|---:|---|---|---|---:|")
    fmt = lambda ph: "%.1f, %.1f, %.1f" % (ph["start"], ph["training"], ph["stop"])
    for row in rows:
        sums = [ph["checksum"] for ph in row["replica_phases"]]
        print("| %d | %.1f, %.1f, %.1f | %s | %.1f (%s) | %.1f | %s | %s | %s | %.2f |" % (
            row["round"], row["load"][0], row["load"][1], row["load"][2],
            "single first" if row["round"] % 2 == 1 else "replicas first", row["single"], fmt(row["single_phases"]),
            row["replicas"], fmt(row["replica_phases"][0]), fmt(row["replica_phases"][1]),
            "yes (%s)" % sums[0] if sums[0] is not None and sums[0] == sums[1] else "NO (%s)" % ", ".join(map(str, sums)),
            row["ratio"]))
    med = statistics.median
    print("medians over %d rounds: one process %.1f s, two replicas %.1f s, ratio %.2f (%s)" % (
        len(rows), med([r["single"] for r in rows]), med([r["replicas"] for r in rows]),
        med([r["ratio"] for r in rows]), ", ".join("%.2f" % r["ratio"] for r in rows)))
    for part in ("start", "training", "stop"):
        print("  %s: one process %.1f s, replicas %.1f s (median over ranks and rounds)" % (
            part, med([r["single_phases"][part] for r in rows]),
            med([ph[part] for r in rows for ph in r["replica_phases"]])))
    print("logs: " + ", ".join(r["logs"] for r in rows))


def main():
    global JAR
    args = sys.argv[1:]
    rounds = 1
    if "--rounds" in args:
        i = args.index("--rounds")
        rounds = int(args[i + 1])
        del args[i:i + 2]
    if "--jar" in args:
        i = args.index("--jar")
        JAR = os.path.abspath(args[i + 1])
        del args[i:i + 2]
    wanted = args or SCENARIOS
    if not os.path.exists(JAR):
        sys.exit("no %s: ./mvnw -B -pl sample-app -am package -DskipTests first" % JAR)
    if "batch" in wanted:
        if wanted != ["batch"]:
            sys.exit("batch runs alone: replica-drill.py [--rounds N] [--jar PATH] batch")
        print_batch([batch_round(n) for n in range(1, rounds + 1)])
        return
    rows, ratios = [], {}
    for n in range(1, rounds + 1):
        # each round measures its own uninterrupted run, so that the machine's drift hits both sides of a ratio
        base = run("uninterrupted", 0)
        base["round"] = n
        rows.append(base)
        half = max(1, base["updates"][0] // 2)
        for scenario in wanted:
            if scenario != "uninterrupted":
                row = run(scenario, half)
                row["round"], row["ratio"] = n, row["wall"] / base["wall"]
                rows.append(row)
                ratios.setdefault(scenario, []).append(row["ratio"])
        base["ratio"] = 1.0
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print("\n%s, %d cores, %s" % (cpu, os.cpu_count(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("| round | scenario | wall (s) | x uninterrupted | training again after (s) | status | updates"
          " | checksums equal | restarts (rank 0, 1) |")
    print("|---:|---|---:|---:|---:|---|---|---|---|")
    for row in rows:
        print("| %d | %s | %.1f | %.2f | %s | %s | %s | %s | %s |" % (
            row["round"], row["scenario"], row["wall"], row["ratio"],
            "-" if row["back"] is None else "%.1f" % row["back"], "/".join(row["status"]),
            "/".join(map(str, row["updates"])), "yes" if row["checksums"][0] == row["checksums"][1] else "NO",
            ", ".join(map(str, row["restarts"]))))
    if rounds > 1:
        for scenario, values in ratios.items():
            print("%s: median %.2fx uninterrupted over %d rounds (%s)" % (
                scenario, statistics.median(values), len(values), ", ".join("%.2f" % v for v in values)))


if __name__ == "__main__":
    main()
