package io.github.skrl4j.adam.distributed.wire;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of what a {@link WireEndpoint} refused, by reason, for meters; safe to read from any thread.
 * One set of counters may serve several endpoints in turn (a world formed again keeps its meters):
 * pass it to {@link WireEndpoint#open(WireOptions, WireCounters)}.
 */
public final class WireCounters {

    private final LongAdder[] refused = new LongAdder[Refusal.values().length];

    /** Counters at zero. */
    public WireCounters() {
        for (int i = 0; i < refused.length; i++) {
            refused[i] = new LongAdder();
        }
    }

    void count(Refusal reason) {
        refused[reason.ordinal()].increment();
    }

    /** Connections and frames refused for {@code reason} since the endpoint opened. */
    public long refused(Refusal reason) {
        return refused[reason.ordinal()].sum();
    }

    /** All refusals since the endpoint opened. */
    public long refusedTotal() {
        long total = 0;
        for (LongAdder adder : refused) {
            total += adder.sum();
        }
        return total;
    }

    /** A snapshot of every reason's count. */
    public Map<Refusal, Long> snapshot() {
        Map<Refusal, Long> counts = new EnumMap<>(Refusal.class);
        for (Refusal reason : Refusal.values()) {
            counts.put(reason, refused(reason));
        }
        return counts;
    }

    @Override
    public String toString() {
        return "WireCounters" + snapshot();
    }
}
