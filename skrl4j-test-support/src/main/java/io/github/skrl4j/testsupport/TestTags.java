package io.github.skrl4j.testsupport;

/**
 * The names of the tags on tests whose result or running time depends on the machine more than on the
 * code. {@code ./mvnw -B verify -Pfast} excludes them all (the root POM's {@code fast} profile lists
 * them); {@code ./mvnw -B verify} runs them. Put the annotations ({@link AllocationCounting}, {@link ChildJvm},
 * {@link HazelcastCluster}, {@link Browser}, {@link Prometheus}) on a test, not these strings.
 */
public final class TestTags {

    /** Counts the bytes a thread allocates: needs a quiet JIT and HotSpot's allocation counters. */
    public static final String ALLOCATION = "allocation";
    /** Starts JVMs of its own (crash loops, batch exits, replicas): seconds per JVM on a busy machine. */
    public static final String CHILD_JVM = "child-jvm";
    /** Forms a Hazelcast cluster on loopback: ports, heartbeats and join timeouts. */
    public static final String CLUSTER = "cluster";
    /** Drives a headless Chromium through chromedriver, which must be installed. */
    public static final String BROWSER = "browser";
    /** Runs Debian's {@code prometheus} server or {@code promtool}, which must be installed. */
    public static final String PROMETHEUS = "prometheus";

    private TestTags() {
    }
}
