package io.github.skrl4j.adam.distributed.spi;

import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.CollectiveException.Reason;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The receiving end of a {@link Transport}: messages that arrived for one rank, kept by address
 * (sender, sequence, {@link MessageKind kind}, chunk) until the collective takes them, in whatever
 * order they arrived. A building block for transports. It refuses what a genuine peer never sends
 * twice: a second message for an address already waiting or already taken, and a message of an
 * operation older than the newest one taken from (whose leftovers it drops). A failure recorded here ({@link #fail}, or an
 * {@link MessageKind#ABORT} notice) wakes every waiting receiver and is final. Thread-safe.
 */
public final class Mailbox {

    private record Address(int fromRank, long sequence, MessageKind kind, int chunk) {
    }

    private final Map<Address, float[]> floats = new HashMap<>();
    private final Map<Address, long[]> longs = new HashMap<>();
    private final Map<Integer, Long> departed = new HashMap<>();
    private long newestTaken = Long.MIN_VALUE;
    /** The addresses taken in operation {@link #newestTaken}: a second message for one is a duplicate. */
    private final Set<Address> takenInNewest = new HashSet<>();
    private @Nullable CollectiveException failure;

    /** An empty mailbox of a world that is whole. */
    public Mailbox() {
    }

    /**
     * Files floats that arrived from {@code fromRank}. The mailbox keeps {@code values} (no copy).
     *
     * @return false if refused: the world has failed, a message for this address is waiting or was
     *         taken already, or its operation is older than the newest one taken from (a duplicate or
     *         a replay)
     * @throws IllegalArgumentException if {@code kind} carries longs
     */
    public boolean deliverFloats(int fromRank, MessageKind kind, long sequence, int chunk, float[] values) {
        Objects.requireNonNull(values, "values");
        requirePayload(kind, true);
        return file(floats, new Address(fromRank, sequence, kind, chunk), values);
    }

    /**
     * Files longs that arrived from {@code fromRank} ({@code chunk} 0). A {@link MessageKind#LEAVE}
     * records instead that the sender left after operation {@code sequence}; an
     * {@link MessageKind#ABORT} fails the mailbox with the sender's reason.
     *
     * @return false if refused, as {@link #deliverFloats}
     * @throws IllegalArgumentException if {@code kind} carries floats
     */
    public boolean deliverLongs(int fromRank, MessageKind kind, long sequence, long[] values) {
        Objects.requireNonNull(values, "values");
        requirePayload(kind, false);
        if (kind == MessageKind.LEAVE) {
            synchronized (this) {
                if (failure != null || departed.putIfAbsent(fromRank, sequence) != null) {
                    return false;
                }
                notifyAll();
                return true;
            }
        }
        if (kind == MessageKind.ABORT) {
            Reason reason = values.length == 1 && values[0] >= 0 && values[0] < Reason.values().length
                    ? Reason.values()[(int) values[0]] : Reason.TRANSPORT;
            fail(new CollectiveException(reason, "rank " + fromRank + "'s operation " + sequence + " failed ("
                    + reason + ")"));
            return true;
        }
        return file(longs, new Address(fromRank, sequence, kind, 0), values);
    }

    /** The payload of an {@link MessageKind#ABORT} notice for {@code reason}. */
    public static long[] abortNotice(Reason reason) {
        return new long[] {reason.ordinal()};
    }

    private static void requirePayload(MessageKind kind, boolean floats) {
        if (Objects.requireNonNull(kind, "kind").carriesFloats() != floats) {
            throw new IllegalArgumentException(kind + " messages carry " + (floats ? "longs" : "floats")
                    + ", not " + (floats ? "floats" : "longs"));
        }
    }

    private synchronized <T> boolean file(Map<Address, T> box, Address address, T payload) {
        if (failure != null || (address.kind().belongsToAnOperation() && (address.sequence() < newestTaken
                || takenInNewest.contains(address))) || box.putIfAbsent(address, payload) != null) {
            return false;
        }
        notifyAll();
        return true;
    }

    /**
     * Takes the floats {@code fromRank} sent to rank {@code toRank} under ({@code sequence},
     * {@code kind}, {@code chunk}) into {@code into[offset, offset + length)}, waiting for them until
     * {@code deadlineNanos} ({@link System#nanoTime()} based).
     *
     * @throws CollectiveException the recorded failure; {@code MEMBER_LEFT} if the sender left before
     *                             this operation; {@code MISMATCH} if the message holds another number
     *                             of values or the sender is in another operation ({@code into} is then
     *                             unchanged); {@code TIMEOUT} at the deadline; {@code INTERRUPTED} (the
     *                             interrupt flag is kept)
     */
    public void takeFloats(int toRank, int fromRank, MessageKind kind, long sequence, int chunk, float[] into,
            int offset, int length, long deadlineNanos) {
        Objects.checkFromIndexSize(offset, length, into.length);
        requirePayload(kind, true);
        float[] values = take(floats, toRank, new Address(fromRank, sequence, kind, chunk), deadlineNanos);
        if (values.length != length) {
            throw new CollectiveException(Reason.MISMATCH, "rank " + fromRank + " sent " + values.length
                    + " values for " + kind + " " + chunk + " where rank " + toRank + " expects " + length
                    + " (are the tensors' layouts the same?)");
        }
        System.arraycopy(values, 0, into, offset, length);
    }

    /**
     * Takes the longs {@code fromRank} sent to rank {@code toRank} under ({@code sequence},
     * {@code kind}); as {@link #takeFloats}.
     */
    public long[] takeLongs(int toRank, int fromRank, MessageKind kind, long sequence, long deadlineNanos) {
        requirePayload(kind, false);
        return take(longs, toRank, new Address(fromRank, sequence, kind, 0), deadlineNanos);
    }

    private synchronized <T> T take(Map<Address, T> box, int toRank, Address address, long deadlineNanos) {
        int fromRank = address.fromRank();
        String what = "rank " + toRank + " receiving " + address.kind() + " from rank " + fromRank;
        while (true) {
            if (failure != null) {
                throw new CollectiveException(failure.reason(), what + ": " + failure.getMessage(), failure);
            }
            T payload = box.remove(address);
            if (payload != null) {
                noteTaken(address);
                return payload;
            }
            Long lastOperation = departed.get(fromRank);
            if (lastOperation != null && address.sequence() > lastOperation) {
                throw new CollectiveException(Reason.MEMBER_LEFT, what + ": rank " + fromRank
                        + " left the world after operation " + lastOperation);
            }
            MessageKind other = otherOperation(address);
            if (other != null) {
                throw new CollectiveException(Reason.MISMATCH, what + ": rank " + fromRank + " sent " + other
                        + " in operation " + address.sequence() + " (the ranks called different operations)");
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new CollectiveException(Reason.TIMEOUT, what + ": rank " + fromRank
                        + " did not send its part within the timeout");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CollectiveException(Reason.INTERRUPTED, what + ": interrupted while waiting", e);
            }
        }
    }

    /** Remembers a taken address; a newer operation's first one drops what is left of older operations. */
    private void noteTaken(Address address) {
        if (address.sequence() > newestTaken) {
            newestTaken = address.sequence();
            takenInNewest.clear();
            floats.keySet().removeIf(a -> a.kind().belongsToAnOperation() && a.sequence() < newestTaken);
            longs.keySet().removeIf(a -> a.kind().belongsToAnOperation() && a.sequence() < newestTaken);
        }
        if (address.sequence() == newestTaken) {
            takenInNewest.add(address);
        }
    }

    /** The kind of a waiting message from the same sender and operation that another collective operation sends, if any. */
    private @Nullable MessageKind otherOperation(Address wanted) {
        if (!wanted.kind().belongsToAnOperation()) {
            return null;
        }
        for (Map<Address, ?> box : java.util.List.of(floats, longs)) {
            for (Address a : box.keySet()) {
                if (a.fromRank() == wanted.fromRank() && a.sequence() == wanted.sequence()
                        && a.kind().belongsToAnOperation() && !a.kind().sameOperation(wanted.kind())) {
                    return a.kind();
                }
            }
        }
        return null;
    }

    /** Records the failure that ends this world (the first one wins), drops what is queued and wakes every receiver. */
    public synchronized void fail(CollectiveException cause) {
        Objects.requireNonNull(cause, "cause");
        if (failure == null) {
            failure = cause;
        }
        floats.clear();
        longs.clear();
        notifyAll();
    }

    /** The recorded failure, or {@code null} while the world is whole. */
    public synchronized @Nullable CollectiveException failure() {
        return failure;
    }

    /** Messages waiting (for tests and diagnostics). */
    public synchronized int pending() {
        return floats.size() + longs.size();
    }
}
