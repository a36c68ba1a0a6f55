package io.github.skrl4j.adam.distributed.spi;

import io.github.skrl4j.adam.distributed.CollectiveException;

/**
 * Point-to-point messages between the ranks of a fixed world: what the collective engine
 * ({@link TransportCollectives#over}) needs from a cluster. A message is addressed by the sending
 * rank, the collective operation's sequence number, its {@link MessageKind} and, for values, the
 * chunk's index, so that messages of an operation a faster rank has already started wait until this
 * rank gets there. The kind decides the payload: floats ({@link #sendFloats}) or a few longs
 * ({@link #sendLongs}).
 *
 * <p>Values are received into buffers the caller owns ({@link #receiveFloats}), so that a transport
 * that reads the wire into its own buffers can hand them over without allocating per message. The
 * engine sends {@link MessageKind#LEAVE} when a rank closes; a transport that wants the other ranks
 * to fail at once when one rank's operation fails sends them {@link MessageKind#ABORT}, which a
 * {@link Mailbox} turns into that failure.
 *
 * <p>Implementations: {@link io.github.skrl4j.adam.distributed.LocalCollectives} (threads of one JVM)
 * and the {@code adam-hazelcast} module. One thread at a time sends and receives; delivery is
 * asynchronous.
 */
public interface Transport extends AutoCloseable {

    /** This rank, in {@code [0, worldSize)}. */
    int rank();

    /** Number of ranks; fixed for the transport's life. */
    int worldSize();

    /**
     * Sends {@code length} floats of {@code data} from {@code offset} to {@code toRank} as a message of
     * {@code kind} (one that {@link MessageKind#carriesFloats() carries floats}) for chunk
     * {@code chunk}. The values are copied or serialized before this returns, so the caller may
     * overwrite them at once. Never sent to this rank itself.
     *
     * @throws CollectiveException if the message cannot be sent (the world is broken or closed)
     */
    void sendFloats(int toRank, MessageKind kind, long sequence, int chunk, float[] data, int offset, int length);

    /**
     * Sends the same floats to every other rank, as {@link #sendFloats} to each: a transport that can
     * serialize once and write the same bytes to every peer overrides this (one result for several
     * peers then costs one copy, not one per peer).
     *
     * @throws CollectiveException if a message cannot be sent
     */
    default void sendFloatsToOthers(MessageKind kind, long sequence, int chunk, float[] data, int offset,
            int length) {
        for (int r = 0; r < worldSize(); r++) {
            if (r != rank()) {
                sendFloats(r, kind, sequence, chunk, data, offset, length);
            }
        }
    }

    /**
     * How many messages one peer may have sent this rank that this rank has not taken yet before the
     * peer's sends block (a transport with bounded receive buffers and back-pressure). The engine
     * keeps fewer than that in flight towards each rank, so that ranks sending to each other at once
     * never wait for each other. Unbounded unless a transport says otherwise.
     */
    default int maxMessagesInFlight() {
        return Integer.MAX_VALUE;
    }

    /**
     * Sends a few longs (layout fingerprints, counts, checksums, notices) to {@code toRank} as a
     * message of {@code kind} (one that carries longs).
     *
     * @throws CollectiveException if the message cannot be sent
     */
    void sendLongs(int toRank, MessageKind kind, long sequence, long[] values);

    /**
     * Receives the floats {@code fromRank} sent for ({@code sequence}, {@code kind}, {@code chunk})
     * into {@code into[offset, offset + length)}, waiting until {@code deadlineNanos}
     * ({@link System#nanoTime()} based).
     *
     * @throws CollectiveException with {@link CollectiveException.Reason#MISMATCH} if the message holds
     *                             another number of values than {@code length},
     *                             {@link CollectiveException.Reason#TIMEOUT} when the deadline passes,
     *                             {@link CollectiveException.Reason#MEMBER_LEFT} as soon as a rank of
     *                             the world leaves, and so on
     */
    void receiveFloats(int fromRank, MessageKind kind, long sequence, int chunk, float[] into, int offset, int length,
            long deadlineNanos);

    /** The longs {@code fromRank} sent for ({@code sequence}, {@code kind}); as {@link #receiveFloats}. */
    long[] receiveLongs(int fromRank, MessageKind kind, long sequence, long deadlineNanos);

    /**
     * Stops this rank's end: its own waits fail with {@link CollectiveException.Reason#CLOSED}. (The
     * engine tells the other ranks beforehand, with a {@link MessageKind#LEAVE} message.)
     */
    @Override
    void close();
}
