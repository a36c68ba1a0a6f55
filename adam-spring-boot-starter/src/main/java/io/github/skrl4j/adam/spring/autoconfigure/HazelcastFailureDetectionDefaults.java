package io.github.skrl4j.adam.spring.autoconfigure;

import com.hazelcast.config.Config;
import java.time.Duration;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastConfigCustomizer;

/**
 * Sees a frozen replica within seconds: Hazelcast's own default removes a member only after 60 s without a
 * heartbeat (heartbeats every 5 s), later than a collective operation's default 30 s timeout, so a replica stopped
 * by SIGSTOP, a long GC pause or a stuck process would surface as a TIMEOUT naming one rank instead of the member
 * leaving. This sets {@value #MAX_NO_HEARTBEAT} to {@link #MAX_NO_HEARTBEAT_DEFAULT} and {@value #HEARTBEAT_INTERVAL}
 * to {@link #HEARTBEAT_INTERVAL_DEFAULT}, each only when neither the Hazelcast configuration nor a system property
 * sets it: the application's own value always wins.
 */
public final class HazelcastFailureDetectionDefaults implements HazelcastConfigCustomizer {

    /** Hazelcast's property: seconds without a heartbeat after which a member is removed from the cluster. */
    public static final String MAX_NO_HEARTBEAT = "hazelcast.max.no.heartbeat.seconds";
    /** Hazelcast's property: seconds between two heartbeats. */
    public static final String HEARTBEAT_INTERVAL = "hazelcast.heartbeat.interval.seconds";
    /** A member silent this long is removed (Hazelcast's default: 60 s). */
    public static final Duration MAX_NO_HEARTBEAT_DEFAULT = Duration.ofSeconds(10);
    /** Heartbeats this often, so the silence is measured to about a second (Hazelcast's default: 5 s). */
    public static final Duration HEARTBEAT_INTERVAL_DEFAULT = Duration.ofSeconds(1);

    @Override
    public void customize(Config config) {
        setIfUnset(config, MAX_NO_HEARTBEAT, MAX_NO_HEARTBEAT_DEFAULT);
        setIfUnset(config, HEARTBEAT_INTERVAL, HEARTBEAT_INTERVAL_DEFAULT);
    }

    private static void setIfUnset(Config config, String property, Duration value) {
        if (config.getProperty(property) == null && System.getProperty(property) == null) {
            config.setProperty(property, Long.toString(value.toSeconds()));
        }
    }
}
