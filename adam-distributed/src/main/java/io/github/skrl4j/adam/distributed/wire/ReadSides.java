package io.github.skrl4j.adam.distributed.wire;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Who reads each connection of a {@link PeerMesh} ({@link PeerInbox.ReadSide}): its reader thread, or a
 * caller that waits for a small frame and reads the socket itself, so that the kernel wakes the caller when
 * the frame arrives instead of waking a reader that then wakes the caller. The read side changes hands only
 * between frames, under the mesh's lock, so no frame is read twice or split between two readers; whoever
 * holds it reads, checks and files frames the same way ({@link FrameReader#readFrame}).
 *
 * <p>The reader thread steps aside (and parks) after a frame when a caller waited for a small frame meanwhile;
 * the read side goes back to it when a caller waits for a large frame or several peers, before a large frame
 * is sent, when it was left unread for a while (the watchdog: heartbeats, aborts and goodbyes are read between
 * operations), and when the mesh fails or closes. Only plaintext links are read by callers
 * ({@link Link#readByCaller()}).
 */
final class ReadSides {

    /**
     * Frames of at most this many bytes a waiting caller reads from the socket itself; larger ones are left
     * to the reader threads, which read while the caller sends and sums. Frames this small fit the socket
     * buffers both ways, so two callers that send them to each other while nobody reads never both block.
     */
    static final int CALLER_READ_MAX_BYTES = 64 * 1024;
    /** How long a caller that reads its socket itself waits in one read before it looks at the mesh again. */
    private static final int CALLER_WAIT_SLICE_MILLIS = 20;
    /**
     * How long a read side may stay unread ({@code FREE}) before the watchdog gives it back to the reader
     * thread: a quarter of the shortest silence bound, so heartbeats are read in time; long enough that a
     * training loop's pause between two small all-reduces keeps it.
     */
    private static final long FREE_READ_SIDE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final PeerMesh mesh;
    /** The mesh's lock, which guards every read side. */
    private final Object lock;
    private final @Nullable PeerInbox[] peers;
    /** {@link #FREE_READ_SIDE_NANOS}, unless a test holds read sides longer ({@link #holdFree}). */
    private volatile long freeNanos = FREE_READ_SIDE_NANOS;
    /** Frames a caller read from a socket itself (under the lock; for tests). */
    private long framesReadByCaller;

    ReadSides(PeerMesh mesh, Object lock, @Nullable PeerInbox[] peers) {
        this.mesh = mesh;
        this.lock = lock;
        this.peers = peers;
    }

    /** Whether a frame of {@code payloadBytes} is small enough for a waiting caller to read itself. */
    static boolean small(long payloadBytes) {
        return payloadBytes <= CALLER_READ_MAX_BYTES;
    }

    /**
     * Under the lock, for a caller whose frame from {@code peer} has not come: the frame reader to read with
     * if the caller now holds the read side ({@code CALLER}); otherwise {@code null} (then it waits on the
     * lock), having asked the reader thread to step aside after its current frame (a small frame) or given
     * a free read side back to it (a large one).
     */
    @Nullable FrameReader claim(PeerInbox peer, boolean smallFrame, long deadlineNanos) {
        Link link = peer.link;
        FrameReader frames = peer.frames;
        boolean readItself = smallFrame && link != null && link.readByCaller() && frames != null;
        if (readItself && peer.readSide == PeerInbox.ReadSide.FREE && peer.hasFreeBuffer()
                && deadlineNanos - System.nanoTime() > 0 && !Thread.currentThread().isInterrupted()) {
            peer.readSide = PeerInbox.ReadSide.CALLER;
            return frames;
        }
        if (peer.readSide == PeerInbox.ReadSide.READER) {
            peer.callerWants |= readItself;
        } else if (!readItself) {
            resume(peer);
        }
        return null;
    }

    /**
     * The caller, holding {@code peer}'s read side, reads (at most) one frame of it and gives the read side
     * back ({@code FREE}, or to the reader thread once the mesh failed); a failed read fails the mesh as the
     * reader thread's would, or with {@code TIMEOUT} when the frame did not finish by the deadline.
     */
    void readOne(PeerInbox peer, FrameReader frames, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        int waitMillis = (int) Math.max(1, Math.min(CALLER_WAIT_SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left)));
        FrameReader.Outcome outcome = FrameReader.Outcome.STOPPED;
        IOException failed = null;
        try {
            outcome = frames.readFrame(waitMillis, deadlineNanos);
        } catch (IOException e) {
            failed = e;
        } finally {
            synchronized (lock) {
                if (outcome == FrameReader.Outcome.READ) {
                    framesReadByCaller++;
                }
                peer.readSide = PeerInbox.ReadSide.FREE;
                peer.freeSince = System.nanoTime();
                if (mesh.failure() != null) {
                    resume(peer);
                }
            }
        }
        int rank = mesh.rank();
        Link link = peer.link;
        if (failed instanceof ClosedByInterruptException) {
            throw mesh.fail(new WireException(WireException.Reason.INTERRUPTED, peer.rank, "rank " + rank
                    + " was interrupted while reading rank " + peer.rank + "'s frame (the connection closed)", failed));
        } else if (failed != null && link != null && link.readTimedOut) {
            mesh.fail(new WireException(WireException.Reason.TIMEOUT, peer.rank, "rank " + rank + " waited in vain"
                    + " for the rest of a frame from rank " + peer.rank + " and dropped the connection"));
        } else if (failed != null) {
            mesh.ended(peer.rank, failed);
        } else if (outcome == FrameReader.Outcome.STOPPED && mesh.failure() == null) {
            mesh.fail(new WireException(WireException.Reason.REFUSED, peer.rank, "rank " + rank + " could not file"
                    + " a frame of rank " + peer.rank + " (no free buffer)"));
        }
    }

    /** Under the lock: gives {@code peer}'s read side back to its reader thread if nobody holds it. */
    void resume(PeerInbox peer) {
        if (peer.readSide == PeerInbox.ReadSide.FREE) {
            peer.readSide = PeerInbox.ReadSide.READER;
            peer.lastHeard = System.nanoTime(); // nobody read meanwhile: that silence was this rank's
            Thread reader = peer.readerThread;
            if (reader != null) {
                LockSupport.unpark(reader);
            }
        }
    }

    /**
     * Before a frame of {@code payloadBytes} is written: if it is not small, the reader threads read again, so
     * that the peers' frames are taken while this thread writes (two ranks writing large frames to each other
     * with nobody reading would both block).
     */
    void resumeBefore(long payloadBytes) {
        if (small(payloadBytes)) {
            return;
        }
        resumeWhere(Long.MIN_VALUE);
    }

    /**
     * The watchdog's turn: read sides nobody read for a while go back to their reader threads, so that
     * heartbeats, aborts and goodbyes are read between operations and no peer's writes wait for this rank's
     * caller to come back.
     */
    void resumeIdle(long now) {
        resumeWhere(now - freeNanos);
    }

    /** Gives back every free read side that became free before {@code freeBefore}. */
    private void resumeWhere(long freeBefore) {
        synchronized (lock) {
            for (PeerInbox peer : peers) {
                if (peer != null && peer.readSide == PeerInbox.ReadSide.FREE
                        && (freeBefore == Long.MIN_VALUE || peer.freeSince - freeBefore < 0)) {
                    resume(peer);
                }
            }
        }
    }

    /**
     * The reader thread of {@code peer} may read its next frame: waits while the read side is a caller's or
     * free; steps aside first when a caller asked for it. {@code false} once the mesh is closed.
     */
    boolean readerTurn(PeerInbox peer) {
        while (true) {
            synchronized (lock) {
                if (peer.callerWants && peer.readSide == PeerInbox.ReadSide.READER && mesh.failure() == null) {
                    peer.callerWants = false;
                    peer.readSide = PeerInbox.ReadSide.FREE;
                    peer.freeSince = System.nanoTime();
                    lock.notifyAll(); // a caller still waiting takes the read side now
                }
                if (peer.readSide == PeerInbox.ReadSide.READER) {
                    return true;
                }
                if (mesh.isClosed()) {
                    return false;
                }
            }
            // parked, not waiting on the lock: the lock's notifications (a frame filed, a buffer released) are
            // for callers, and would wake this thread for nothing
            LockSupport.park(this);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
    }

    /** Keeps read sides free for the caller this long before the watchdog gives them back (for tests). */
    void holdFree(Duration hold) {
        freeNanos = hold.toNanos();
    }

    /** How many frames a caller read from a socket itself (for tests). */
    long framesReadByCaller() {
        synchronized (lock) {
            return framesReadByCaller;
        }
    }

    /** Who reads {@code peer}'s connection now (for tests). */
    PeerInbox.ReadSide of(PeerInbox peer) {
        synchronized (lock) {
            return peer.readSide;
        }
    }
}
