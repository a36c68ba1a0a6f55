package io.github.skrl4j.adam.distributed.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads one connection's frames: each frame's header is checked against the connection's authenticated
 * rank, the world and the bounds of its kind, and only then is the payload read, into a buffer of the
 * peer's pool ({@link PeerMesh#acquire}), which is filed for the caller. The first frame refused ends
 * the connection. The reader thread ({@link #run}) reads while the read side is its own; a caller that
 * waits for a small frame reads with {@link #readFrame} itself while it holds the read side
 * ({@link ReadSides}): one reader at a time, handed over between frames under the mesh's lock.
 */
final class FrameReader implements Runnable {

    /** What one {@link #readFrame} did. */
    enum Outcome {
        /** A frame was read and filed or handled. */
        READ,
        /** Nothing arrived within the caller's wait. */
        NOTHING,
        /** The connection is done with: a frame was refused, or the mesh failed with every buffer held. */
        STOPPED
    }

    private final PeerMesh mesh;
    private final PeerInbox inbox;
    private final int peerRank;
    private final Link link;
    private final long worldId;
    private final int frameCapacity;
    /** The header being read; whoever holds the read side uses it. */
    private final ByteBuffer header;

    FrameReader(PeerMesh mesh, PeerInbox inbox, Link link, long worldId, int frameCapacity) {
        this.mesh = mesh;
        this.inbox = inbox;
        this.peerRank = inbox.rank;
        this.link = link;
        this.worldId = worldId;
        this.frameCapacity = frameCapacity;
        this.header = link.allocate(Protocol.HEADER_BYTES);
    }

    @Override
    public void run() {
        try {
            while (mesh.readSides().readerTurn(inbox)) {
                if (readFrame(0, 0) == Outcome.STOPPED) {
                    return;
                }
            }
        } catch (IOException e) {
            mesh.ended(peerRank, e);
        }
    }

    /**
     * Reads one frame and files or handles it. The reader thread ({@code waitMillis} 0) blocks until it
     * comes. A caller gives {@code waitMillis}: if not a byte arrives that long, {@link Outcome#NOTHING}
     * (nothing consumed); once the frame has begun it is read whole by {@code deadlineNanos}, past which the
     * watchdog closes the link. A caller reads only when its peer has a free buffer
     * ({@link PeerInbox#hasFreeBuffer}), so that it never waits for itself.
     */
    Outcome readFrame(int waitMillis, long deadlineNanos) throws IOException {
        header.clear();
        boolean caller = waitMillis > 0;
        if (caller) {
            if (!link.readStart(header, waitMillis)) {
                return Outcome.NOTHING;
            }
            link.readDeadline = deadlineNanos;
            link.callerReading = true;
        }
        try {
            link.readFully(header);
            mesh.heard(peerRank);
            byte kind = header.get(Protocol.KIND);
            int from = header.getInt(Protocol.FROM_RANK);
            long world = header.getLong(Protocol.WORLD_ID);
            long operation = header.getLong(Protocol.OPERATION);
            int chunk = header.getInt(Protocol.CHUNK);
            int bytes = header.getInt(Protocol.PAYLOAD_BYTES);
            Refusal refusal = check(kind, from, world, bytes);
            if (refusal != null) {
                mesh.refuse(peerRank, refusal, Protocol.kindName(kind) + " frame claiming rank " + from
                        + ", world " + Long.toHexString(world) + ", " + bytes + " payload bytes");
                return Outcome.STOPPED;
            }
            if (kind == Protocol.FLOATS || kind == Protocol.LONGS) {
                Received received = mesh.acquire(peerRank, link, !caller);
                if (received == null) {
                    return Outcome.STOPPED; // the mesh failed or closed and every buffer is held: stop reading
                }
                received.bytes.clear().limit(bytes);
                link.readFully(received.bytes);
                received.set(kind, operation, chunk, bytes);
                if (!mesh.deliver(peerRank, received)) {
                    mesh.refuse(peerRank, Refusal.DUPLICATE, "a second frame for chunk " + chunk
                            + " of operation " + operation);
                    return Outcome.STOPPED;
                }
            } else if (kind == Protocol.ABORT) {
                ByteBuffer text = link.allocate(bytes); // at most MAX_ABORT_BYTES, once per world
                link.readFully(text);
                byte[] reason = new byte[bytes];
                text.flip().get(reason);
                mesh.aborted(peerRank, operation, new String(reason, StandardCharsets.UTF_8));
            } else if (kind == Protocol.LEAVE) {
                mesh.left(peerRank, operation);
            } // a heartbeat says only that the peer is alive, which heard() recorded
            return Outcome.READ;
        } finally {
            if (caller) {
                link.callerReading = false;
            }
        }
    }

    /** Why a header is refused, or {@code null}; decided before a single payload byte is read. */
    private @Nullable Refusal check(byte kind, int from, long world, int bytes) {
        if (world != worldId) {
            return Refusal.UNKNOWN_WORLD;
        }
        if (from != peerRank) {
            return Refusal.WRONG_RANK;
        }
        return switch (kind) {
            case Protocol.FLOATS -> bytes < 0 || bytes % Float.BYTES != 0 ? Refusal.BAD_FRAME
                    : bytes > frameCapacity ? Refusal.OVERSIZE : null;
            case Protocol.LONGS -> bytes < 0 || bytes % Long.BYTES != 0 ? Refusal.BAD_FRAME
                    : bytes > frameCapacity ? Refusal.OVERSIZE : null;
            case Protocol.ABORT -> bytes < 0 ? Refusal.BAD_FRAME : bytes > Protocol.MAX_ABORT_BYTES ? Refusal.OVERSIZE
                    : null;
            case Protocol.LEAVE, Protocol.HEARTBEAT -> bytes != 0 ? Refusal.BAD_FRAME : null;
            default -> Refusal.BAD_FRAME;
        };
    }
}
