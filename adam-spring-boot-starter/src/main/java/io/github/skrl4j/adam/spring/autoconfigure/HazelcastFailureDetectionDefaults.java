package io.github.skrl4j.adam.spring.autoconfigure;

import com.hazelcast.config.Config;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastConfigCustomizer;

/**
 * Keeps a frozen replica a member long enough to take it straight back, and takes back within seconds one
 * frozen longer. The data plane declares a silent replica lost ({@code skrl.optim.adam.distributed.failure-detection},
 * 10 s) and the world re-forms; the Hazelcast member, though, is removed only after
 * {@value #MAX_NO_HEARTBEAT} ({@code skrl.optim.adam.distributed.member-removal}, {@link #MAX_NO_HEARTBEAT_DEFAULT}
 * by default). A replica that continues before that is still a member: it finds its world broken and re-forms it
 * with the others at once. One removed meanwhile finds itself a cluster of its own, merged back only by Hazelcast's
 * split-brain merge, which by Hazelcast's defaults first runs after 300 s and then every 120 s, so the world could
 * not re-form for minutes; this sets both delays to {@link #MERGE_DELAY_DEFAULT}. The bound stays under Hazelcast's
 * 60 s operation call timeout, so that the survivors' cluster operations waiting on a frozen member are moved to
 * them when it is removed instead of failing.
 *
 * <p>This sets {@value #MAX_NO_HEARTBEAT} to the member-removal bound, {@value #HEARTBEAT_INTERVAL} to
 * {@link #HEARTBEAT_INTERVAL_DEFAULT}, and {@value #MERGE_FIRST_RUN_DELAY} and {@value #MERGE_NEXT_RUN_DELAY} to
 * {@link #MERGE_DELAY_DEFAULT}, each only when neither the Hazelcast configuration nor a system property sets it: the
 * application's own value always wins.
 */
public final class HazelcastFailureDetectionDefaults implements HazelcastConfigCustomizer {

    /** Hazelcast's property: seconds without a heartbeat after which a member is removed from the cluster. */
    public static final String MAX_NO_HEARTBEAT = "hazelcast.max.no.heartbeat.seconds";
    /** Hazelcast's property: seconds between two heartbeats. */
    public static final String HEARTBEAT_INTERVAL = "hazelcast.heartbeat.interval.seconds";
    /** Hazelcast's property: seconds after the start before a member first looks for clusters to merge with. */
    public static final String MERGE_FIRST_RUN_DELAY = "hazelcast.merge.first.run.delay.seconds";
    /** Hazelcast's property: seconds between two later looks for clusters to merge with. */
    public static final String MERGE_NEXT_RUN_DELAY = "hazelcast.merge.next.run.delay.seconds";
    /** A member silent this long is removed (Hazelcast's default: 60 s). */
    public static final Duration MAX_NO_HEARTBEAT_DEFAULT = Duration.ofSeconds(45);
    /** Heartbeats this often, so the silence is measured to about a second (Hazelcast's default: 5 s). */
    public static final Duration HEARTBEAT_INTERVAL_DEFAULT = Duration.ofSeconds(1);
    /** A removed member that continues merges back this soon (Hazelcast's defaults: 300 s first, then 120 s). */
    public static final Duration MERGE_DELAY_DEFAULT = Duration.ofSeconds(5);

    private final Duration maxNoHeartbeat;

    /** The defaults: a member silent for {@link #MAX_NO_HEARTBEAT_DEFAULT} is removed. */
    public HazelcastFailureDetectionDefaults() {
        this(MAX_NO_HEARTBEAT_DEFAULT);
    }

    /**
     * A member silent for {@code maxNoHeartbeat} (rounded up to whole seconds) is removed.
     *
     * @throws IllegalArgumentException unless it is longer than the heartbeat interval
     */
    public HazelcastFailureDetectionDefaults(Duration maxNoHeartbeat) {
        Objects.requireNonNull(maxNoHeartbeat, "maxNoHeartbeat");
        if (maxNoHeartbeat.compareTo(HEARTBEAT_INTERVAL_DEFAULT) <= 0) {
            throw new IllegalArgumentException("maxNoHeartbeat must be longer than the heartbeat interval ("
                    + HEARTBEAT_INTERVAL_DEFAULT + "), was " + maxNoHeartbeat);
        }
        this.maxNoHeartbeat = maxNoHeartbeat;
    }

    /** How long a silent member stays before it is removed (unless the application sets Hazelcast's own). */
    public Duration maxNoHeartbeat() {
        return maxNoHeartbeat;
    }

    @Override
    public void customize(Config config) {
        setIfUnset(config, MAX_NO_HEARTBEAT, wholeSecondsUp(maxNoHeartbeat));
        setIfUnset(config, HEARTBEAT_INTERVAL, HEARTBEAT_INTERVAL_DEFAULT.toSeconds());
        setIfUnset(config, MERGE_FIRST_RUN_DELAY, MERGE_DELAY_DEFAULT.toSeconds());
        setIfUnset(config, MERGE_NEXT_RUN_DELAY, MERGE_DELAY_DEFAULT.toSeconds());
    }

    private static long wholeSecondsUp(Duration d) {
        return d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
    }

    private static void setIfUnset(Config config, String property, long seconds) {
        if (config.getProperty(property) == null && System.getProperty(property) == null) {
            config.setProperty(property, Long.toString(seconds));
        }
    }
}
