package io.github.skrl4j.adam.distributed.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The reader thread of one connection: reads each frame's header, checks it against the connection's
 * authenticated rank, the world and the bounds of its kind, and only then reads the payload, into a
 * buffer of the peer's pool ({@link PeerMesh#acquire}), which it files for the caller. The first frame
 * refused ends the connection.
 */
final class FrameReader implements Runnable {

    private final PeerMesh mesh;
    private final int peerRank;
    private final Link link;
    private final long worldId;
    private final int frameCapacity;

    FrameReader(PeerMesh mesh, int peerRank, Link link, long worldId, int frameCapacity) {
        this.mesh = mesh;
        this.peerRank = peerRank;
        this.link = link;
        this.worldId = worldId;
        this.frameCapacity = frameCapacity;
    }

    @Override
    public void run() {
        ByteBuffer header = link.allocate(Protocol.HEADER_BYTES);
        try {
            while (true) {
                header.clear();
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
                    return;
                }
                if (kind == Protocol.FLOATS || kind == Protocol.LONGS) {
                    Received received = mesh.acquire(peerRank, link);
                    if (received == null) {
                        return; // the mesh failed or closed and every buffer is held: stop reading
                    }
                    received.bytes.clear().limit(bytes);
                    link.readFully(received.bytes);
                    received.set(kind, operation, chunk, bytes);
                    if (!mesh.deliver(peerRank, received)) {
                        mesh.refuse(peerRank, Refusal.DUPLICATE, "a second frame for chunk " + chunk
                                + " of operation " + operation);
                        return;
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
            }
        } catch (IOException e) {
            mesh.ended(peerRank, e);
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
