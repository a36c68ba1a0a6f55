package io.github.skrl4j.adam.distributed.spi;

import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The receiving end of a {@link Transport}: messages that arrived for this rank, keyed by sender,
 * sequence and slot, until the collective takes them. A building block for transports; a failure
 * recorded here ({@link #fail}) wakes every waiting receiver and is final.
 */
public final class Mailbox {

    private record Key(int fromRank, long sequence, int slot) {
    }

    /**
     * The slot of the message a rank sends to every other rank when it leaves the world
     * ({@link Collective#close()}), with the sequence of the last operation it took part in: from then
     * on, waiting for a message of that rank for a later operation fails with
     * {@link CollectiveException.Reason#MEMBER_LEFT}.
     */
    public static final int LEAVE_SLOT = -1;

    private final Map<Key, Object> messages = new HashMap<>();
    private final Map<Integer, Long> departed = new HashMap<>();
    private @Nullable CollectiveException failure;

    /**
     * Files a message ({@code float[]} or {@code long[]}); a duplicate replaces the earlier one. A
     * message for {@link #LEAVE_SLOT} records instead that its sender left after operation
     * {@code sequence}.
     */
    public void deliver(int fromRank, long sequence, int slot, Object payload) {
        Objects.requireNonNull(payload, "payload");
        synchronized (this) {
            if (failure != null) {
                return; // the world is broken; nobody will take it
            }
            if (slot == LEAVE_SLOT) {
                departed.put(fromRank, sequence);
            } else {
                messages.put(new Key(fromRank, sequence, slot), payload);
            }
            notifyAll();
        }
    }

    /**
     * Takes the message from {@code fromRank} for ({@code sequence}, {@code slot}), waiting for it
     * until {@code deadlineNanos}.
     *
     * @param what names the operation for the exception's message
     * @throws CollectiveException the recorded failure, {@code TIMEOUT} at the deadline, or
     *                             {@code INTERRUPTED} (the interrupt flag is kept)
     */
    public Object take(int fromRank, long sequence, int slot, long deadlineNanos, String what) {
        Key key = new Key(fromRank, sequence, slot);
        synchronized (this) {
            while (true) {
                if (failure != null) {
                    throw new CollectiveException(failure.reason(), what + ": " + failure.getMessage(), failure);
                }
                Object payload = messages.remove(key);
                if (payload != null) {
                    return payload;
                }
                Long lastOperation = departed.get(fromRank);
                if (lastOperation != null && sequence > lastOperation) {
                    throw new CollectiveException(CollectiveException.Reason.MEMBER_LEFT, what + ": rank " + fromRank
                            + " left the world after operation " + lastOperation);
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new CollectiveException(CollectiveException.Reason.TIMEOUT, what + ": rank " + fromRank
                            + " did not send its part within the timeout");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CollectiveException(CollectiveException.Reason.INTERRUPTED, what
                            + ": interrupted while waiting for rank " + fromRank, e);
                }
            }
        }
    }

    /** {@link #take} of a message that must hold floats, for rank {@code toRank}. */
    public float[] takeFloats(int toRank, int fromRank, long sequence, int slot, long deadlineNanos) {
        Object payload = take(fromRank, sequence, slot, deadlineNanos, "rank " + toRank + " receiving from rank "
                + fromRank);
        if (payload instanceof float[] values) {
            return values;
        }
        throw new CollectiveException(CollectiveException.Reason.MISMATCH, "rank " + fromRank
                + " sent longs where rank " + toRank + " expects floats (different operations?)");
    }

    /** {@link #take} of a message that must hold longs, for rank {@code toRank}. */
    public long[] takeLongs(int toRank, int fromRank, long sequence, int slot, long deadlineNanos) {
        Object payload = take(fromRank, sequence, slot, deadlineNanos, "rank " + toRank + " receiving from rank "
                + fromRank);
        if (payload instanceof long[] values) {
            return values;
        }
        throw new CollectiveException(CollectiveException.Reason.MISMATCH, "rank " + fromRank
                + " sent floats where rank " + toRank + " expects longs (different operations?)");
    }

    /** Records the failure that ends this world (the first one wins), drops what is queued and wakes every receiver. */
    public synchronized void fail(CollectiveException cause) {
        Objects.requireNonNull(cause, "cause");
        if (failure == null) {
            failure = cause;
        }
        messages.clear();
        notifyAll();
    }

    /** The recorded failure, or {@code null} while the world is whole. */
    public synchronized @Nullable CollectiveException failure() {
        return failure;
    }

    /** Messages waiting (for tests and diagnostics). */
    public synchronized int pending() {
        return messages.size();
    }
}
