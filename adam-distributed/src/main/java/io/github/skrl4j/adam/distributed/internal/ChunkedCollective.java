package io.github.skrl4j.adam.distributed.internal;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.adam.distributed.spi.Mailbox;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import io.github.skrl4j.adam.distributed.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Collective} over a {@link Transport}: the tensors are seen as one flat vector cut into
 * chunks of {@link #chunkSize()} values, and chunk {@code c} belongs to rank {@code c mod N}.
 *
 * <p>An all-reduce is a reduce-scatter followed by an all-gather: every rank sends each chunk it does
 * not own to the chunk's owner; each owner sums its chunks over ranks 0..N-1 in that order (in
 * double, rounded once to float) and sends the result to every other rank. So each rank sends and
 * receives about {@code 2 (N-1)/N} of the model, and no rank reduces more than its {@code 1/N} share.
 * A small vector (within one chunk and {@link AllReducer#ONE_HOP_MAX_FLOATS}) goes in one hop instead:
 * every rank sends it to every other and sums all of them in the same order. The exchange and the sums
 * of both paths are the {@link AllReducer}'s; this class runs the operations (one at a time, numbered,
 * each with a deadline), lays the tensors out as the flat vector and copies the results back. When an
 * operation fails on this rank, the other ranks are told ({@link MessageKind#ABORT}) so that they fail
 * at once.
 *
 * <p>The flat vector lives in a scratch buffer of this collective, reused between calls; the
 * caller's tensors are written only after the last chunk has arrived, so a failed operation changed
 * nothing. The first failure breaks the collective: later calls fail with
 * {@link CollectiveException.Reason#BROKEN}.
 *
 * <p>Not API: transports reach it through
 * {@link io.github.skrl4j.adam.distributed.spi.TransportCollectives#over}.
 */
public final class ChunkedCollective implements Collective {

    private static final int MAX_VALUES = Integer.MAX_VALUE - 8;
    /** Heads a broadcast of longs (xor their number), so that it cannot pass for a tensors' fingerprint by chance. */
    private static final long LONGS_MARKER = 0x5ca1ab1e_0000_0000L;

    private final Transport transport;
    private final int rank;
    private final int worldSize;
    private final int chunkSize;
    private final long timeoutNanos;
    private final AtomicBoolean busy = new AtomicBoolean();
    private long sequence;
    private volatile boolean closed;
    private volatile @Nullable CollectiveException broken;

    /** The flat vector: a broadcast's values, an all-reduce's results; grown, never shrunk. */
    private float[] flat = new float[0];
    private final AllReducer allReducer;

    private ChunkedCollective(Transport transport, int chunkSize, Duration timeout) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.rank = transport.rank();
        this.worldSize = transport.worldSize();
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in a world of " + worldSize);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be >= 1, was " + chunkSize);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.chunkSize = chunkSize;
        this.timeoutNanos = timeout.toNanos();
        this.allReducer = new AllReducer(transport, rank, worldSize, chunkSize);
    }

    /**
     * A collective over {@code transport}.
     *
     * @param chunkSize values per chunk (the unit of work spread over the ranks and of a message)
     * @param timeout   how long an operation may wait for the other ranks before failing with
     *                  {@link CollectiveException.Reason#TIMEOUT}
     */
    public static ChunkedCollective over(Transport transport, int chunkSize, Duration timeout) {
        return new ChunkedCollective(transport, chunkSize, timeout);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    /** Values per chunk. */
    public int chunkSize() {
        return chunkSize;
    }

    /** How long an operation waits for the other ranks. */
    public Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    /** Operations started so far (successful or not); the same number on every rank in lockstep. */
    public long operations() {
        return sequence;
    }

    /** The failure that broke this collective, or {@code null} while it works. */
    public @Nullable CollectiveException failure() {
        return broken;
    }

    @Override
    public void broadcast(Tensors tensors, int root) {
        Objects.requireNonNull(tensors, "tensors");
        checkRoot(root);
        List<Tensors> parts = List.of(tensors);
        int total = totalSize(parts);
        run("broadcast", (seq, deadline) -> {
            broadcastLongs(root, seq, deadline, new long[] {fingerprint(parts)}, "broadcast");
            broadcastValues(root, parts, total, seq, deadline);
            return null;
        });
    }

    @Override
    public OptimizerState broadcast(OptimizerState state, int root) {
        Objects.requireNonNull(state, "state");
        checkRoot(root);
        List<Tensors> parts = List.of(state.mu(), state.nu(), state.nuMax());
        int total = totalSize(parts);
        return run("broadcast of the optimizer state", (seq, deadline) -> {
            long[] header = broadcastLongs(root, seq, deadline, new long[] {fingerprint(parts), state.count()},
                    "broadcast of the optimizer state");
            broadcastValues(root, parts, total, seq, deadline);
            return rank == root ? state : OptimizerState.of(header[1], state.mu(), state.nu(), state.nuMax());
        });
    }

    @Override
    public long[] broadcast(long[] values, int root) {
        Objects.requireNonNull(values, "values");
        checkRoot(root);
        if (values.length > MAX_BROADCAST_LONGS) {
            throw new IllegalArgumentException(values.length + " longs exceed what one broadcast carries ("
                    + MAX_BROADCAST_LONGS + ")");
        }
        long[] mine = new long[values.length + 1];
        mine[0] = LONGS_MARKER ^ values.length;
        System.arraycopy(values, 0, mine, 1, values.length);
        return run("broadcast of longs", (seq, deadline) -> {
            long[] header = broadcastLongs(root, seq, deadline, mine, "broadcast of longs");
            return java.util.Arrays.copyOfRange(header, 1, header.length);
        });
    }

    @Override
    public long[] allGather(long value) {
        return run("all-gather", (seq, deadline) -> gather(MessageKind.GATHERED, value, seq, deadline));
    }

    @Override
    public void allReduceSum(Tensors gradients) {
        allReduce(gradients, false);
    }

    @Override
    public void allReduceMean(Tensors gradients) {
        allReduce(gradients, true);
    }

    @Override
    public DivergenceCheck checkDivergence(Tensors parameters) {
        Objects.requireNonNull(parameters, "parameters");
        return run("divergence check", (seq, deadline) -> new DivergenceCheck(seq, rank,
                gather(MessageKind.CHECKSUM, Checksums.crc32c(parameters), seq, deadline)));
    }

    /** Every rank's {@code value}, indexed by rank: each rank sends its own to every other. */
    private long[] gather(MessageKind kind, long value, long seq, long deadline) {
        long[] mine = {value};
        long[] values = new long[worldSize];
        for (int r = 0; r < worldSize; r++) {
            if (r != rank) {
                transport.sendLongs(r, kind, seq, mine);
            }
        }
        for (int r = 0; r < worldSize; r++) {
            values[r] = r == rank ? value : single(transport.receiveLongs(r, kind, seq, deadline), r);
        }
        return values;
    }

    private void checkRoot(int root) {
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException("root " + root + " is not a rank of a world of " + worldSize);
        }
    }

    private long single(long[] values, int fromRank) {
        if (values.length != 1) {
            throw mismatch("rank " + fromRank + " sent " + values.length + " values where one was expected");
        }
        return values[0];
    }

    /**
     * Leaves the world: tells every other rank the last operation this one took part in (their
     * operations that need this rank after it fail with {@link CollectiveException.Reason#MEMBER_LEFT}),
     * then closes the transport. Call it between operations, from the thread that runs them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (broken == null) {
            for (int r = 0; r < worldSize; r++) {
                if (r != rank) {
                    try {
                        transport.sendLongs(r, MessageKind.LEAVE, sequence, new long[0]);
                    } catch (RuntimeException e) {
                        // that rank is gone already, or the transport is: it needs no notice
                    }
                }
            }
        }
        transport.close();
    }

    @Override
    public String toString() {
        return "ChunkedCollective[rank " + rank + " of " + worldSize + ", chunk " + chunkSize
                + (broken != null ? ", broken" : closed ? ", closed" : "") + "]";
    }

    // ---- the operations

    /**
     * Written out rather than through {@link #run} and a lambda: the training loop calls it every step,
     * and it allocates nothing per call (no capturing lambda, no list, no iterator).
     */
    private void allReduce(Tensors gradients, boolean mean) {
        Objects.requireNonNull(gradients, "gradients");
        String what = mean ? "all-reduce (mean)" : "all-reduce (sum)";
        long values = gradients.totalSize();
        if (values > MAX_VALUES) {
            totalSize(List.of(gradients)); // the same refusal as the other operations
        }
        int total = (int) values;
        long seq = begin(what);
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            try {
                float[] buffer = scratch(total);
                if (total <= chunkSize && total <= AllReducer.ONE_HOP_MAX_FLOATS) {
                    flattenInto(gradients, buffer, 0);
                    allReducer.allReduceInOneHop(buffer, total, seq, deadline, mean);
                } else {
                    allReducer.readPartsFrom(gradients);
                    allReducer.allReduceInChunks(buffer, total, seq, deadline, mean);
                }
                unflattenFrom(buffer, 0, gradients);
            } catch (RuntimeException e) {
                throw failed(what, seq, e);
            }
        } finally {
            busy.set(false);
        }
    }

    /** The root's values into every rank's scratch, then into the tensors. */
    private void broadcastValues(int root, List<Tensors> parts, int total, long seq, long deadline) {
        int chunks = Chunks.count(total, chunkSize);
        if (rank == root) {
            float[] buffer = flatten(parts, total);
            for (int c = 0; c < chunks; c++) {
                transport.sendFloatsToOthers(MessageKind.BROADCAST_CHUNK, seq, c, buffer,
                        Chunks.start(c, chunkSize), Chunks.length(c, total, chunkSize));
            }
            return;
        }
        float[] buffer = scratch(total);
        for (int c = 0; c < chunks; c++) {
            transport.receiveFloats(root, MessageKind.BROADCAST_CHUNK, seq, c, buffer,
                    Chunks.start(c, chunkSize), Chunks.length(c, total, chunkSize), deadline);
        }
        unflatten(buffer, parts);
    }

    /**
     * The root's header (a layout fingerprint first, then values) on every rank; refuses a header whose
     * first value or length differs from this rank's.
     */
    private long[] broadcastLongs(int root, long seq, long deadline, long[] mine, String what) {
        if (rank == root) {
            for (int r = 0; r < worldSize; r++) {
                if (r != root) {
                    transport.sendLongs(r, MessageKind.BROADCAST_HEADER, seq, mine);
                }
            }
            return mine;
        }
        long[] header = transport.receiveLongs(root, MessageKind.BROADCAST_HEADER, seq, deadline);
        if (header.length != mine.length || header[0] != mine[0]) {
            throw mismatch(what + ": rank " + root + "'s " + (mine[0] == (LONGS_MARKER ^ (mine.length - 1))
                    ? "number of values differs" : "tensors differ in names, shapes or order") + " from rank "
                    + rank + "'s");
        }
        return header;
    }

    private static int totalSize(List<Tensors> parts) {
        long total = 0;
        for (Tensors part : parts) {
            total += part.totalSize();
        }
        if (total > MAX_VALUES) {
            // refused before the operation starts: the world stays usable
            throw new IllegalArgumentException(total + " values exceed what one collective operation handles ("
                    + MAX_VALUES + ")");
        }
        return (int) total;
    }

    private float[] scratch(int total) {
        if (flat.length < total) {
            flat = new float[total];
        }
        return flat;
    }

    private float[] flatten(List<Tensors> parts, int total) {
        float[] buffer = scratch(total);
        int at = 0;
        for (Tensors part : parts) {
            at = flattenInto(part, buffer, at);
        }
        return buffer;
    }

    /** Copies the tensors one after the other into {@code buffer} from {@code at}; returns the end. */
    private static int flattenInto(Tensors tensors, float[] buffer, int at) {
        for (int i = 0, n = tensors.size(); i < n; i++) {
            Tensor t = tensors.get(i);
            System.arraycopy(t.data(), 0, buffer, at, t.size());
            at += t.size();
        }
        return at;
    }

    private static void unflatten(float[] buffer, List<Tensors> parts) {
        int at = 0;
        for (Tensors part : parts) {
            at = unflattenFrom(buffer, at, part);
        }
    }

    /** Copies {@code buffer} from {@code at} into the tensors one after the other; returns the end. */
    private static int unflattenFrom(float[] buffer, int at, Tensors tensors) {
        for (int i = 0, n = tensors.size(); i < n; i++) {
            Tensor t = tensors.get(i);
            System.arraycopy(buffer, at, t.data(), 0, t.size());
            at += t.size();
        }
        return at;
    }

    /** A CRC-32C of the names and shapes, in order: ranks whose layouts differ must not exchange values. */
    private static long fingerprint(List<Tensors> parts) {
        CRC32C crc = new CRC32C();
        for (Tensors part : parts) {
            crc.update(0x1e);
            for (Tensor t : part) {
                crc.update(t.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                crc.update(0x1f);
                for (int d : t.shape()) {
                    crc.update(d);
                    crc.update(d >>> 8);
                    crc.update(d >>> 16);
                    crc.update(d >>> 24);
                }
            }
        }
        return crc.getValue();
    }

    private static CollectiveException mismatch(String message) {
        return new CollectiveException(CollectiveException.Reason.MISMATCH, message);
    }

    /**
     * Tells every other rank that this rank's operation failed ({@link MessageKind#ABORT}), so that
     * theirs fail at once instead of at their timeout. Best effort: a rank that cannot be told is gone
     * or fails by itself.
     */
    private void abortOthers(long seq, CollectiveException.Reason reason) {
        long[] notice = Mailbox.abortNotice(reason);
        for (int r = 0; r < worldSize; r++) {
            if (r != rank) {
                try {
                    transport.sendLongs(r, MessageKind.ABORT, seq, notice);
                } catch (RuntimeException e) {
                    // that rank is gone, or the transport is: it fails by itself
                }
            }
        }
    }

    // ---- one operation at a time, failures break the world

    @FunctionalInterface
    private interface Operation<T> {
        T run(long sequence, long deadlineNanos);
    }

    private <T> T run(String what, Operation<T> operation) {
        long seq = begin(what);
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            try {
                return operation.run(seq, deadline);
            } catch (RuntimeException e) {
                throw failed(what, seq, e);
            }
        } finally {
            busy.set(false);
        }
    }

    /** Takes this collective for one operation and numbers it; refuses a concurrent, closed or broken one. */
    private long begin(String what) {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("rank " + rank + ": another thread is in a collective operation");
        }
        try {
            if (closed) {
                throw new CollectiveException(CollectiveException.Reason.CLOSED, what + " on rank " + rank
                        + ": the collective is closed");
            }
            CollectiveException failure = broken;
            if (failure != null) {
                throw new CollectiveException(CollectiveException.Reason.BROKEN, what + " on rank " + rank
                        + ": an earlier operation failed (" + failure.getMessage() + ")", failure);
            }
            return ++sequence;
        } catch (RuntimeException e) {
            busy.set(false);
            throw e;
        }
    }

    /** Breaks the collective with {@code e} (wrapped unless it is a collective failure) and tells the other ranks. */
    private CollectiveException failed(String what, long seq, RuntimeException e) {
        CollectiveException failure = e instanceof CollectiveException c ? c
                : new CollectiveException(CollectiveException.Reason.TRANSPORT, what + " on rank " + rank + ": " + e, e);
        broken = failure;
        abortOthers(seq, failure.reason());
        return failure;
    }
}
