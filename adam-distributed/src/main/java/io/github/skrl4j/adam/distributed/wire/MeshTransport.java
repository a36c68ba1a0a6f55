package io.github.skrl4j.adam.distributed.wire;

import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.CollectiveException.Reason;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import io.github.skrl4j.adam.distributed.spi.Transport;
import java.time.Duration;
import java.util.Objects;

/**
 * The collective engine's {@link Transport} over a {@link PeerMesh}: each message is one frame,
 * matched by (operation, chunk) where the operation is the collective's sequence number with the
 * message's {@link MessageKind} in its low four bits. Values go out from the mesh's reused frame
 * buffer ({@link #sendFloatsToOthers} serializes once for every peer) and come in with one bulk copy
 * into the caller's buffer, so steady state allocates nothing per chunk.
 *
 * <p>{@link MessageKind#ABORT} becomes {@link PeerMesh#abort} (the other ranks fail within a second),
 * {@link MessageKind#LEAVE} the goodbye {@link #close} sends. Failures of the mesh surface as
 * {@link CollectiveException}s: {@code TIMEOUT} names every rank waited for; a lost or departed rank
 * is {@code MEMBER_LEFT}; an abort carries the aborting rank's reason.
 */
public final class MeshTransport implements Transport {

    private static final int KIND_BITS = 4;
    private static final int MAX_LONGS = 64;

    private final PeerMesh mesh;
    private final long sendTimeoutNanos;
    private final int[] others;
    private final long[] longs = new long[MAX_LONGS];
    private boolean leaving;
    private long leaveAfter;
    private boolean aborted;

    /**
     * A transport over {@code mesh}.
     *
     * @param sendTimeout how long a send may wait for a peer to take its bytes (the SPI's sends have no
     *                    deadline of their own; the collective's operation timeout serves)
     */
    public MeshTransport(PeerMesh mesh, Duration sendTimeout) {
        this.mesh = Objects.requireNonNull(mesh, "mesh");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("sendTimeout must be positive, was " + sendTimeout);
        }
        this.sendTimeoutNanos = sendTimeout.toNanos();
        this.others = new int[mesh.worldSize() - 1];
        for (int r = 0, i = 0; r < mesh.worldSize(); r++) {
            if (r != mesh.rank()) {
                others[i++] = r;
            }
        }
        if (MessageKind.values().length > 1 << KIND_BITS) {
            throw new AssertionError("message kinds do not fit in " + KIND_BITS + " bits");
        }
    }

    /** The mesh this transport sends on. */
    public PeerMesh mesh() {
        return mesh;
    }

    @Override
    public int rank() {
        return mesh.rank();
    }

    @Override
    public int worldSize() {
        return mesh.worldSize();
    }

    @Override
    public int maxMessagesInFlight() {
        return mesh.maxBufferedFramesPerPeer();
    }

    private static long operation(long sequence, MessageKind kind) {
        return sequence << KIND_BITS | kind.ordinal();
    }

    private long deadline() {
        return System.nanoTime() + sendTimeoutNanos;
    }

    @Override
    public void sendFloats(int toRank, MessageKind kind, long sequence, int chunk, float[] data, int offset,
            int length) {
        try {
            mesh.send(toRank, operation(sequence, kind), chunk, data, offset, length, deadline());
        } catch (WireException e) {
            throw translate(e);
        }
    }

    @Override
    public void sendFloatsToOthers(MessageKind kind, long sequence, int chunk, float[] data, int offset, int length) {
        try {
            mesh.sendToEach(others, operation(sequence, kind), chunk, data, offset, length, deadline());
        } catch (WireException e) {
            throw translate(e);
        }
    }

    @Override
    public void sendLongs(int toRank, MessageKind kind, long sequence, long[] values) {
        if (kind == MessageKind.LEAVE) {
            leaving = true;
            leaveAfter = sequence;
            return; // one goodbye per peer, written by close()
        }
        if (kind == MessageKind.ABORT) {
            if (!aborted) {
                aborted = true;
                Reason reason = values.length == 1 && values[0] >= 0 && values[0] < Reason.values().length
                        ? Reason.values()[(int) values[0]] : Reason.TRANSPORT;
                mesh.abort(operation(sequence, kind), reason.name());
            }
            return;
        }
        try {
            mesh.sendLongs(toRank, operation(sequence, kind), 0, values, 0, values.length, deadline());
        } catch (WireException e) {
            throw translate(e);
        }
    }

    @Override
    public void receiveFloats(int fromRank, MessageKind kind, long sequence, int chunk, float[] into, int offset,
            int length, long deadlineNanos) {
        int n;
        try {
            n = mesh.receive(fromRank, operation(sequence, kind), chunk, into, offset, length, deadlineNanos);
        } catch (WireException e) {
            throw translate(e);
        }
        if (n != length) {
            throw new CollectiveException(Reason.MISMATCH, "rank " + fromRank + " sent " + n + " values for " + kind
                    + " " + chunk + " where rank " + rank() + " expects " + length
                    + " (are the tensors' layouts the same?)");
        }
    }

    @Override
    public long[] receiveLongs(int fromRank, MessageKind kind, long sequence, long deadlineNanos) {
        try {
            int n = mesh.receiveLongs(fromRank, operation(sequence, kind), 0, longs, 0, MAX_LONGS, deadlineNanos);
            long[] values = new long[n];
            System.arraycopy(longs, 0, values, 0, n);
            return values;
        } catch (WireException e) {
            throw translate(e);
        }
    }

    /** Says goodbye to every peer (after the engine's {@link MessageKind#LEAVE}) and closes the mesh. */
    @Override
    public void close() {
        if (leaving) {
            // every kind of operation leaveAfter, and nothing later
            mesh.leave(leaveAfter << KIND_BITS | ((1L << KIND_BITS) - 1));
        } else {
            mesh.close();
        }
    }

    /** The collective's failure for a failure of the mesh (for transports that form the mesh themselves). */
    public static CollectiveException translate(WireException e) {
        Reason reason = switch (e.reason()) {
            case TIMEOUT -> Reason.TIMEOUT;
            case PEER_LOST, MEMBER_LEFT -> Reason.MEMBER_LEFT;
            case ABORTED -> abortReason(e.getMessage());
            case MISMATCH -> Reason.MISMATCH;
            case CLOSED -> Reason.CLOSED;
            case INTERRUPTED -> Reason.INTERRUPTED;
            case REFUSED, FORMATION -> Reason.TRANSPORT;
        };
        return new CollectiveException(reason, e.getMessage(), e);
    }

    /** An abort's text ends with the aborting rank's reason ({@link #sendLongs} writes its name). */
    private static Reason abortReason(String message) {
        for (Reason r : Reason.values()) {
            if (message.endsWith(": " + r.name())) {
                return r;
            }
        }
        return Reason.TRANSPORT;
    }
}
