package io.github.skrl4j.sampleapp;

import io.github.skrl4j.testsupport.LoopbackCluster;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One replica of the sample as an operator runs it: the executable jar in a JVM of its own, started with the
 * README's data-parallel command and its rank (here on a cluster name, Hazelcast port, HTTP port and checkpoint
 * directory of the test's own), killed with SIGKILL, frozen with SIGSTOP, continued with SIGCONT. Every start
 * of the same rank runs the same command; each start logs to a file of its own.
 */
final class Replica {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A frozen replica accepts connections (the kernel does) but never answers. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final Path dir;
    private final String cluster;
    private final int hazelcastPort;
    private final int rank;
    private final int httpPort = LoopbackCluster.freePorts(1)[0];
    private final List<String> extraArguments = new ArrayList<>();
    private Process process;
    private Path log;

    Replica(Path dir, String cluster, int hazelcastPort, int rank) {
        this.dir = dir;
        this.cluster = cluster;
        this.hazelcastPort = hazelcastPort;
        this.rank = rank;
    }

    /** The README's command for this rank, on the test's own cluster, ports and directory. */
    List<String> command() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dhz.cluster-name=" + cluster, "-Dhz.network.port.port=" + hazelcastPort,
                "--add-modules", "jdk.incubator.vector",
                "-jar", Path.of(System.getProperty("skrl4j.publishedJar")).toString(),
                "--spring.profiles.active=distributed", "--server.port=" + httpPort,
                "--skrl.optim.adam.distributed.rank=" + rank,
                "--sample.training.checkpoint-dir=" + dir.resolve("checkpoints-rank-" + rank)));
        command.addAll(extraArguments);
        return command;
    }

    /** Adds {@code arguments} to this replica's command (before its first start). */
    Replica with(String... arguments) {
        extraArguments.addAll(List.of(arguments));
        return this;
    }

    Replica start() {
        try {
            log = Files.createTempFile(dir, "rank-" + rank + "-", ".log");
            File out = log.toFile();
            process = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(out).start();
            return this;
        } catch (IOException e) {
            throw new AssertionError("could not start rank " + rank, e);
        }
    }

    /** SIGKILL, as a machine or the OOM killer ends a process: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("rank " + rank + " survived SIGKILL");
        }
    }

    /** Sends {@code SIG<name>} (STOP, CONT) to the replica's JVM. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits for the replica's JVM to exit (batch mode), at most {@code seconds}; its exit status. */
    int awaitExit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("rank " + rank + " did not exit within " + seconds + " s\n" + describe());
        }
        return process.exitValue();
    }

    /** This start's log. */
    List<String> logLines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new AssertionError("no log of rank " + rank, e);
        }
    }

    void destroy() {
        if (process != null && process.isAlive()) {
            try {
                signal("CONT"); // a frozen JVM ends only once it runs again
            } catch (IOException | InterruptedException | AssertionError e) {
                // it is gone already
            }
            process.destroyForcibly();
        }
    }

    /** {@code /api/training}; fails when the replica does not answer. */
    JsonNode training() {
        return get("/api/training");
    }

    /** {@code GET path} as JSON; fails when the replica does not answer 200. */
    JsonNode get(String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build());
        if (response == null || response.statusCode() != 200) {
            throw new AssertionError("rank " + rank + " did not answer " + path + ": "
                    + (response == null ? "no connection" : response.statusCode()) + "\n" + describe());
        }
        return JSON.readTree(response.body());
    }

    void post(String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (response == null || response.statusCode() / 100 != 2) {
            throw new AssertionError("POST " + path + " on rank " + rank + ": "
                    + (response == null ? "no connection" : response.statusCode() + " " + response.body()));
        }
    }

    /**
     * Polls {@code /api/training} until {@code condition} holds (a replica that is starting, and does not answer
     * yet, is polled again), at most {@code seconds}.
     */
    JsonNode await(String what, int seconds, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("rank " + rank + " exited (" + process.exitValue() + ") waiting for " + what
                        + "\n" + describe());
            }
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/training")).timeout(REQUEST_TIMEOUT).GET().build());
            if (response != null && response.statusCode() == 200) {
                last = JSON.readTree(response.body());
                if (condition.test(last)) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("rank " + rank + ": no " + what + " within " + seconds + " s; last " + last + "\n"
                + describe());
    }

    /** The last lines of this start's log, for failure messages. */
    String describe() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "rank " + rank + " (pid " + process.pid() + ", log " + log + "), last lines:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "rank " + rank + " (no log: " + e + ")";
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
