package io.github.skrl4j.adam.distributed.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The sending side of a {@link PeerMesh}: encodes frames into one reused buffer (header and payload
 * contiguous, so one write per frame) and writes them on the peers' connections, each write bounded by
 * a deadline that the mesh's watchdog enforces by closing the connection. A failed write fails the
 * mesh: with {@code TIMEOUT} when the deadline closed it, else with {@code PEER_LOST}.
 *
 * <p>Values are sent by the collective's thread only; {@link #abort} and {@link #goodbye} may come from
 * any thread and use buffers of their own.
 */
final class FrameWriter {

    /** How long an abort waits for a connection whose writer is busy before closing it instead. */
    private static final long ABORT_LOCK_WAIT_MILLIS = 200;
    /** How long a peer has to take an abort or a goodbye. */
    private static final long LAST_WORDS_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PeerMesh mesh;
    private final int rank;
    private final long worldId;
    private final int maxChunkFloats;
    private final int frameCapacity;
    private final ByteBuffer frame;
    private final FloatBuffer floats;
    private final LongBuffer longs;

    FrameWriter(PeerMesh mesh, int maxChunkFloats, boolean heapBuffers) {
        this.mesh = mesh;
        this.rank = mesh.rank();
        this.worldId = mesh.worldId();
        this.maxChunkFloats = maxChunkFloats;
        this.frameCapacity = maxChunkFloats * Float.BYTES;
        int capacity = Protocol.HEADER_BYTES + frameCapacity;
        this.frame = heapBuffers ? ByteBuffer.allocate(capacity) : ByteBuffer.allocateDirect(capacity);
        this.frame.order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer payload = frame.slice(Protocol.HEADER_BYTES, frameCapacity).order(ByteOrder.LITTLE_ENDIAN);
        this.floats = payload.asFloatBuffer();
        this.longs = payload.asLongBuffer();
    }

    /**
     * Encodes {@code length} floats of {@code src} as chunk {@code chunk} of {@code operation} into the
     * frame buffer, for {@link #writeEncoded} to write to one peer or several (encoded once however many).
     */
    void encodeFloats(long operation, int chunk, float[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        if (length > maxChunkFloats) {
            throw new IllegalArgumentException(length + " floats exceed the chunk size " + maxChunkFloats);
        }
        requireWhole();
        int bytes = length * Float.BYTES;
        Protocol.putHeader(frame, Protocol.FLOATS, rank, worldId, operation, chunk, bytes);
        floats.put(0, src, offset, length);
        frame.limit(Protocol.HEADER_BYTES + bytes).position(0);
    }

    /** Writes the frame {@link #encodeFloats} encoded last to {@code peer}. */
    void writeEncoded(PeerInbox peer, long deadlineNanos) {
        write(peer, frame, deadlineNanos);
    }

    /** Encodes and writes {@code length} longs of {@code src} to {@code peer}. */
    void sendLongs(PeerInbox peer, long operation, int chunk, long[] src, int offset, int length,
            long deadlineNanos) {
        Objects.checkFromIndexSize(offset, length, src.length);
        if ((long) length * Long.BYTES > frameCapacity) {
            throw new IllegalArgumentException(length + " longs exceed one frame (" + frameCapacity + " bytes)");
        }
        requireWhole();
        int bytes = length * Long.BYTES;
        Protocol.putHeader(frame, Protocol.LONGS, rank, worldId, operation, chunk, bytes);
        longs.put(0, src, offset, length);
        frame.limit(Protocol.HEADER_BYTES + bytes).position(0);
        write(peer, frame, deadlineNanos);
    }

    private void requireWhole() {
        WireException f = mesh.failure();
        if (f != null) {
            throw f.in("rank " + rank + " cannot send");
        }
    }

    /** Writes {@code bytes} whole to {@code peer} by {@code deadlineNanos}; a failure fails the mesh. */
    private void write(PeerInbox peer, ByteBuffer bytes, long deadlineNanos) {
        Link link = peer.link;
        if (link == null) {
            throw new IllegalStateException("rank " + rank + " has no connection to rank " + peer.rank);
        }
        link.writeLock.lock();
        try {
            link.writeBefore(bytes, deadlineNanos);
            peer.lastWritten = System.nanoTime();
        } catch (IOException e) {
            WireException f;
            WireException failure = mesh.failure();
            if (link.timedOut) {
                f = new WireException(WireException.Reason.TIMEOUT, peer.rank, "rank " + peer.rank
                        + " did not take rank " + rank + "'s data before the deadline", e);
            } else if (failure != null) {
                throw failure.in("rank " + rank + " sending to rank " + peer.rank);
            } else {
                f = new WireException(WireException.Reason.PEER_LOST, peer.rank, "rank " + rank
                        + " lost its connection to rank " + peer.rank + " while sending (" + e + ")", e);
            }
            throw mesh.fail(f);
        } finally {
            link.writeLock.unlock();
        }
    }

    /**
     * Writes an abort of {@code operation} with {@code reason} (cut to {@link Protocol#MAX_ABORT_BYTES})
     * to every connected peer. Best effort and bounded: a connection whose writer does not yield within
     * 200 ms, or whose peer does not take the frame within 1 s, is closed instead.
     */
    void abort(@Nullable PeerInbox[] peers, long operation, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, Protocol.MAX_ABORT_BYTES);
        for (PeerInbox peer : peers) {
            if (peer == null || peer.link == null) {
                continue;
            }
            Link link = peer.link;
            ByteBuffer abort = link.allocate(Protocol.HEADER_BYTES + n);
            Protocol.putHeader(abort, Protocol.ABORT, rank, worldId, operation, 0, n);
            abort.position(Protocol.HEADER_BYTES);
            abort.put(text, 0, n).flip();
            boolean sent = false;
            try {
                if (link.writeLock.tryLock(ABORT_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    try {
                        link.writeBefore(abort, System.nanoTime() + LAST_WORDS_NANOS);
                        sent = true;
                    } finally {
                        link.writeLock.unlock();
                    }
                }
            } catch (IOException e) {
                // the peer is gone or did not read: closing below tells it as well as anything can
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!sent) {
                link.close();
            }
        }
    }

    /** Tells every connected peer that this rank's last operation was {@code lastOperation}; a peer gone already needs no goodbye. */
    void goodbye(@Nullable PeerInbox[] peers, long lastOperation) {
        for (PeerInbox peer : peers) {
            if (peer == null || peer.link == null) {
                continue;
            }
            ByteBuffer bytes = peer.link.allocate(Protocol.HEADER_BYTES);
            Protocol.putHeader(bytes, Protocol.LEAVE, rank, worldId, lastOperation, 0, 0);
            try {
                write(peer, bytes, System.nanoTime() + LAST_WORDS_NANOS);
            } catch (WireException e) {
                // that peer is gone already: it needs no goodbye
            }
        }
    }
}
