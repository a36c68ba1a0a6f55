package io.github.skrl4j.adam.spring.distributed;

import io.github.skrl4j.adam.distributed.wire.Refusal;
import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The data plane's refusals as meters: one counter per {@link Refusal} reason, read from the
 * {@link WireCounters} the collective's data plane counts into. A refused TLS handshake, hello or frame
 * is someone (or something broken) knocking: worth an alert.
 */
public final class DataPlaneMeters {

    /** Counter of connections and frames the data plane refused, tagged {@value #TAG_REASON}. */
    public static final String REFUSED = "skrl.optim.adam.distributed.data-plane.refused";
    /** The tag naming the reason, e.g. {@code tls_handshake}, {@code oversize}, {@code wrong_rank}. */
    public static final String TAG_REASON = "reason";

    private DataPlaneMeters() {
    }

    /** Registers a counter per reason, each reading {@code counters}. */
    public static DataPlaneMeters bind(WireCounters counters, MeterRegistry registry) {
        for (Refusal reason : Refusal.values()) {
            FunctionCounter.builder(REFUSED, counters, c -> c.refused(reason))
                    .tag(TAG_REASON, reason.name().toLowerCase(Locale.ROOT))
                    .description("Connections and frames the data plane refused").register(registry);
        }
        return new DataPlaneMeters();
    }
}
