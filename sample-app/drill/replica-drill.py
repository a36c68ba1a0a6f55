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
(./mvnw -B -pl sample-app -am package -DskipTests). Usage: sample-app/drill/replica-drill.py [--rounds N] [scenario ...]
(each round runs the uninterrupted case first and the ratios of that round are to it; with N > 1 the medians follow)
"""
import json
import os
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
        log = open(os.path.join(self.workdir, "rank-%d-start-%d.log" % (self.rank, self.starts)), "w")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        return self

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


def main():
    args = sys.argv[1:]
    rounds = 1
    if "--rounds" in args:
        i = args.index("--rounds")
        rounds = int(args[i + 1])
        del args[i:i + 2]
    wanted = args or SCENARIOS
    if not os.path.exists(JAR):
        sys.exit("no %s: ./mvnw -B -pl sample-app -am package -DskipTests first" % JAR)
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
