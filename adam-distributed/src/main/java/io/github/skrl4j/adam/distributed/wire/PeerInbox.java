package io.github.skrl4j.adam.distributed.wire;

import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * One peer of a {@link PeerMesh}: its connection, whether it said goodbye, and the frames that
 * arrived from it in buffers of its own bounded pool. Every field and method is guarded by the
 * mesh's lock, except the volatile liveness fields that {@link Heartbeats} reads without it.
 */
final class PeerInbox {

    final int rank;
    @Nullable Link link;
    /** Whether its reader runs: the connection is part of the formed world. */
    boolean reading;
    /**
     * Who reads the connection's next frame ({@link ReadSide}); changes only between frames, under the
     * mesh's lock (volatile for {@link Heartbeats}, which does not hold it).
     */
    volatile ReadSide readSide = ReadSide.READER;
    /** {@link System#nanoTime()} when {@link #readSide} last became {@code FREE}. */
    long freeSince;
    /** Set by a caller that waited while the reader thread read: the reader leaves the next frames to it. */
    boolean callerWants;
    /** Reads and files this connection's frames, for the reader thread and the caller alike (set at start). */
    @Nullable FrameReader frames;
    /** The thread that reads when the read side is {@code READER}; parked otherwise. */
    @Nullable Thread readerThread;
    boolean left;
    long leftAfter;

    /** {@link System#nanoTime()} of the last frame header read from this peer (its reader writes it). */
    volatile long lastHeard = System.nanoTime();
    /** {@link System#nanoTime()} of the last frame written to this peer (under the link's write lock). */
    volatile long lastWritten = System.nanoTime();
    /**
     * Whether the reader waits for this rank's caller to take frames: the peer's silence is then this
     * rank's doing (it stopped reading), not the peer's.
     */
    volatile boolean readerWaitsForBuffer;

    private final Received[] waiting;
    private int waitingCount;
    private final ArrayDeque<Received> free = new ArrayDeque<>();
    private int allocated;
    private final int frameCapacity;

    PeerInbox(int rank, int maxBuffered, int frameCapacity) {
        this.rank = rank;
        this.waiting = new Received[maxBuffered];
        this.frameCapacity = frameCapacity;
    }

    /** Whether a frame for ({@code operation}, {@code chunk}) waits to be taken. */
    boolean holds(long operation, int chunk) {
        return indexOf(operation, chunk) >= 0;
    }

    /** Removes and returns the frame waiting for ({@code operation}, {@code chunk}), or null. */
    @Nullable Received take(long operation, int chunk) {
        int i = indexOf(operation, chunk);
        if (i < 0) {
            return null;
        }
        Received received = waiting[i];
        waiting[i] = waiting[--waitingCount];
        waiting[waitingCount] = null;
        return received;
    }

    /** Files a frame for the caller; {@code false} for a duplicate, whose buffer goes back to the pool. */
    boolean file(Received received) {
        if (holds(received.operation, received.chunk)) {
            free.addLast(received);
            return false;
        }
        waiting[waitingCount++] = received;
        return true;
    }

    /** A buffer back to the pool. */
    void release(Received received) {
        free.addLast(received);
    }

    /** Every waiting frame's buffer back to the pool (the world failed: nobody will take them). */
    void dropWaiting() {
        for (int i = 0; i < waitingCount; i++) {
            free.addLast(waiting[i]);
            waiting[i] = null;
        }
        waitingCount = 0;
    }

    /** Whether a frame could be read now without waiting for the caller to release a buffer. */
    boolean hasFreeBuffer() {
        return !free.isEmpty() || allocated < waiting.length;
    }

    /** Who reads a connection ({@link ReadSides} hands it over, between frames, under the mesh's lock). */
    enum ReadSide {
        /** The reader thread reads (it may be blocked in a read). */
        READER,
        /** Nobody reads; the reader thread is parked; a caller may take it. */
        FREE,
        /** The calling thread reads one frame. */
        CALLER
    }

    /**
     * A free buffer to read a frame into: a pooled one, a new one while fewer than the bound exist, or
     * {@code null} when every buffer holds a frame the caller has not released.
     */
    @Nullable Received freeBuffer(Link link) {
        Received buffer = free.pollFirst();
        if (buffer == null && allocated < waiting.length) {
            allocated++;
            buffer = new Received(rank, link.allocate(frameCapacity));
        }
        return buffer;
    }

    private int indexOf(long operation, int chunk) {
        for (int i = 0; i < waitingCount; i++) {
            Received r = waiting[i];
            if (r.operation == operation && r.chunk == chunk) {
                return i;
            }
        }
        return -1;
    }
}
