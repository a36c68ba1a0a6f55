package io.github.skrl4j.adam.distributed.wire;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The connections of one rank to every other rank of a world, formed by
 * {@link WireEndpoint#formWorld} (through the mesh's {@link MeshFormation}). Values travel as frames
 * addressed by (operation, chunk); each connection has a reader thread that checks every header (world,
 * rank, kind, length against the bounds) before it reads the payload into a reused buffer of that peer,
 * where the calling thread takes it ({@link #receive}, {@link #take}); a caller that waits for a small
 * frame on a plaintext connection reads and checks it the same way itself ({@link ReadSides}). Sends are
 * written by the calling thread.
 *
 * <p>One thread at a time sends and receives values (the collective's thread); {@link #abort} and
 * {@link #close} may come from any thread. In steady state (buffers grown) sending and receiving
 * allocate nothing on the calling thread.
 *
 * <p>The first failure (a deadline, a lost or refused peer, an abort, a close) is final: every wait
 * of this mesh fails with it at once (a caller reading its own socket within its 20 ms poll, at once
 * when the failure is that connection's or a close). A world that failed is formed again under a new
 * world id.
 */
public final class PeerMesh implements AutoCloseable {

    private final WireEndpoint endpoint;
    private final WireCounters counters;
    private final int rank;
    private final int worldSize;
    private final long worldId;
    private final int maxChunkFloats;
    private final int maxBuffered;

    /** Guards the peers' inboxes and the failure; every wait of this mesh waits on it. */
    private final Object lock = new Object();
    private final @Nullable PeerInbox[] peers;
    private volatile @Nullable WireException failure;
    private volatile boolean closed;
    /** Who reads each connection: its reader thread, or a caller waiting for a small frame. */
    private final ReadSides readSides;
    /** Installs the peers' connections and starts their readers while the world forms. */
    private final MeshFormation formation;

    private final FrameWriter writer;
    private final Thread watchdog;
    private final Heartbeats heartbeats;
    private final Thread heartbeatThread;

    PeerMesh(WireEndpoint endpoint, int rank, int worldSize, long worldId) {
        this.endpoint = endpoint;
        this.counters = endpoint.counters();
        this.rank = rank;
        this.worldSize = worldSize;
        this.worldId = worldId;
        WireOptions options = endpoint.options();
        this.maxChunkFloats = options.maxChunkFloats();
        this.maxBuffered = options.maxBufferedFramesPerPeer();
        int frameCapacity = maxChunkFloats * Float.BYTES;
        this.peers = new PeerInbox[worldSize];
        for (int r = 0; r < worldSize; r++) {
            peers[r] = r == rank ? null : new PeerInbox(r, maxBuffered, frameCapacity);
        }
        this.readSides = new ReadSides(this, lock, peers);
        this.formation = new MeshFormation(this, lock, peers, frameCapacity);
        this.writer = new FrameWriter(this, maxChunkFloats, options.heapBuffers());
        this.heartbeats = new Heartbeats(this, peers, options.peerSilenceTimeout());
        this.watchdog = new Thread(new Watchdog(this, peers, heartbeats), "skrl4j-wire-" + rank + "-deadlines");
        this.watchdog.setDaemon(true);
        this.watchdog.start();
        this.heartbeatThread = new Thread(heartbeats, "skrl4j-wire-" + rank + "-heartbeats");
        this.heartbeatThread.setDaemon(true);
        this.heartbeatThread.start();
    }

    /** This rank. */
    public int rank() {
        return rank;
    }

    /** Ranks in the world. */
    public int worldSize() {
        return worldSize;
    }

    /** The world id the ranks agreed out of band; frames of any other world are refused. */
    public long worldId() {
        return worldId;
    }

    /** The longest float payload of one frame. */
    public int maxChunkFloats() {
        return maxChunkFloats;
    }

    /** How many received frames of one peer may wait for the caller before that peer's sends block. */
    public int maxBufferedFramesPerPeer() {
        return maxBuffered;
    }

    /**
     * Fails the mesh as if the connection to {@code peerRank} had been lost, for a failure seen
     * elsewhere (a cluster's failure detector removing a frozen member): every wait fails at once
     * with {@code PEER_LOST} naming that rank.
     */
    public void lost(int peerRank, String why) {
        peer(peerRank);
        fail(new WireException(WireException.Reason.PEER_LOST, peerRank, "rank " + rank + " lost rank "
                + peerRank + ": " + why));
    }

    /** The failure that broke this mesh, or {@code null} while it works. */
    public @Nullable WireException failure() {
        return failure;
    }

    // ---- sending

    /**
     * Sends {@code length} floats of {@code src} from {@code offset} to {@code toRank} as chunk
     * {@code chunk} of operation {@code operation}; the values are copied before this returns.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which the peer must have taken the bytes (a
     *                      peer that stops reading fails the send with {@code TIMEOUT} then)
     */
    public void send(int toRank, long operation, int chunk, float[] src, int offset, int length,
            long deadlineNanos) {
        PeerInbox peer = peer(toRank);
        readSides.resumeBefore(length * Float.BYTES);
        writer.encodeFloats(operation, chunk, src, offset, length);
        writer.writeEncoded(peer, deadlineNanos);
    }

    /**
     * Sends the same floats to each of {@code toRanks}: serialized once, then the same bytes written
     * to every connection (one result for several peers costs one copy, not one per peer).
     */
    public void sendToEach(int[] toRanks, long operation, int chunk, float[] src, int offset, int length,
            long deadlineNanos) {
        for (int r : toRanks) {
            peer(r);
        }
        readSides.resumeBefore(length * Float.BYTES);
        writer.encodeFloats(operation, chunk, src, offset, length);
        for (int r : toRanks) {
            writer.writeEncoded(peers[r], deadlineNanos);
        }
    }

    /** Sends {@code length} longs of {@code src} (checksums, counts, fingerprints); as {@link #send}. */
    public void sendLongs(int toRank, long operation, int chunk, long[] src, int offset, int length,
            long deadlineNanos) {
        PeerInbox peer = peer(toRank);
        readSides.resumeBefore((long) length * Long.BYTES);
        writer.sendLongs(peer, operation, chunk, src, offset, length, deadlineNanos);
    }

    // ---- receiving

    /**
     * Copies the floats {@code fromRank} sent as chunk {@code chunk} of {@code operation} into
     * {@code dst} from {@code offset}, waiting until {@code deadlineNanos}.
     *
     * @return the number of floats copied
     * @throws WireException {@code MISMATCH} if more than {@code maxLength} floats (or longs) arrived,
     *                       {@code TIMEOUT} naming {@code fromRank} at the deadline, or the mesh's failure
     */
    public int receive(int fromRank, long operation, int chunk, float[] dst, int offset, int maxLength,
            long deadlineNanos) {
        Objects.checkFromIndexSize(offset, maxLength, dst.length);
        Received received = take(fromRank, operation, chunk, deadlineNanos,
                ReadSides.small((long) maxLength * Float.BYTES));
        try {
            if (!received.holdsFloats() || received.length() > maxLength) {
                throw mismatch(received, "floats", maxLength);
            }
            int n = received.length();
            received.floats().get(0, dst, offset, n);
            return n;
        } finally {
            release(received);
        }
    }

    /** Copies the longs {@code fromRank} sent; as {@link #receive}. */
    public int receiveLongs(int fromRank, long operation, int chunk, long[] dst, int offset, int maxLength,
            long deadlineNanos) {
        Objects.checkFromIndexSize(offset, maxLength, dst.length);
        Received received = take(fromRank, operation, chunk, deadlineNanos,
                ReadSides.small((long) maxLength * Long.BYTES));
        try {
            if (received.holdsFloats() || received.length() > maxLength) {
                throw mismatch(received, "longs", maxLength);
            }
            int n = received.length();
            received.longs().get(0, dst, offset, n);
            return n;
        } finally {
            release(received);
        }
    }

    private WireException mismatch(Received received, String expected, int maxLength) {
        return fail(new WireException(WireException.Reason.MISMATCH, received.fromRank, "rank "
                + received.fromRank + " sent " + received.length() + (received.holdsFloats() ? " floats" : " longs")
                + " as chunk " + received.chunk + " of operation " + received.operation + " where rank " + rank
                + " expects at most " + maxLength + " " + expected + " (are the layouts the same?)"));
    }

    /**
     * The frame {@code fromRank} sent as chunk {@code chunk} of {@code operation}, waiting until
     * {@code deadlineNanos}; read it in place and {@link #release} it. (Its reader thread reads it:
     * whatever its size.)
     */
    public Received take(int fromRank, long operation, int chunk, long deadlineNanos) {
        return take(fromRank, operation, chunk, deadlineNanos, false);
    }

    /**
     * As {@link #take(int, long, int, long)}; for a {@code smallFrame}, this thread reads the peer's socket
     * itself while it waits whenever the read side is free ({@link ReadSides}), so that the kernel wakes it
     * when the frame arrives instead of waking a reader that then wakes it.
     */
    private Received take(int fromRank, long operation, int chunk, long deadlineNanos, boolean smallFrame) {
        PeerInbox peer = peer(fromRank);
        while (true) {
            FrameReader frames;
            synchronized (lock) {
                while (true) {
                    WireException f = failure;
                    if (f != null) {
                        throw f.in("rank " + rank + " waiting for rank " + fromRank + "'s chunk " + chunk
                                + " of operation " + operation);
                    }
                    Received received = peer.take(operation, chunk);
                    if (received != null) {
                        return received;
                    }
                    if (peer.left) {
                        throw fail(new WireException(WireException.Reason.MEMBER_LEFT, fromRank, "rank " + fromRank
                                + " left the world after operation " + peer.leftAfter + "; rank " + rank
                                + " waited for its chunk " + chunk + " of operation " + operation));
                    }
                    frames = readSides.claim(peer, smallFrame, deadlineNanos);
                    if (frames != null) {
                        break; // this thread reads the peer's next frame itself
                    }
                    waitUntil(deadlineNanos, operation, chunk, fromRank, null);
                }
            }
            readSides.readOne(peer, frames, deadlineNanos);
        }
    }

    /** Gives a frame's buffer back to its peer's pool. */
    public void release(Received received) {
        synchronized (lock) {
            PeerInbox peer = received.fromRank < worldSize ? peers[received.fromRank] : null;
            if (peer == null) {
                throw new IllegalArgumentException("not a frame of this mesh");
            }
            peer.release(received);
            lock.notifyAll();
        }
    }

    /**
     * Waits until each of {@code fromRanks} has sent chunk {@code chunk} of {@code operation} (without
     * taking the frames); at the deadline fails with {@code TIMEOUT} naming every rank still missing.
     */
    public void await(int[] fromRanks, long operation, int chunk, long deadlineNanos) {
        for (int r : fromRanks) {
            peer(r);
        }
        synchronized (lock) {
            for (int r : fromRanks) {
                readSides.resume(peers[r]); // several peers at once: their reader threads read
            }
            while (true) {
                WireException f = failure;
                if (f != null) {
                    throw f.in("rank " + rank + " waiting for chunk " + chunk + " of operation " + operation
                            + " from ranks " + Arrays.toString(fromRanks));
                }
                boolean all = true;
                for (int r : fromRanks) {
                    PeerInbox peer = peers[r];
                    if (!peer.holds(operation, chunk)) {
                        if (peer.left) {
                            throw fail(new WireException(WireException.Reason.MEMBER_LEFT, r, "rank " + r
                                    + " left the world after operation " + peer.leftAfter + "; rank " + rank
                                    + " waited for its chunk " + chunk + " of operation " + operation));
                        }
                        all = false;
                    }
                }
                if (all) {
                    return;
                }
                waitUntil(deadlineNanos, operation, chunk, -1, fromRanks);
            }
        }
    }

    /**
     * Waits on the lock until notified or the deadline; at the deadline fails naming the ranks missing
     * ({@code fromRank}, or those of {@code fromRanks} when it is not null: no array per wait).
     */
    private void waitUntil(long deadlineNanos, long operation, int chunk, int fromRank, int @Nullable [] several) {
        long left = deadlineNanos - System.nanoTime();
        int[] fromRanks = several;
        if (left <= 0 && fromRanks == null) {
            fromRanks = new int[] {fromRank};
        }
        if (left <= 0) {
            StringJoiner missing = new StringJoiner(", ");
            int[] ranks = Arrays.stream(fromRanks).filter(r -> !peers[r].holds(operation, chunk)).sorted()
                    .toArray();
            for (int r : ranks) {
                missing.add(Integer.toString(r));
            }
            throw fail(new WireException(WireException.Reason.TIMEOUT, ranks, "rank " + rank
                    + " waited in vain for chunk " + chunk + " of operation " + operation + " from rank"
                    + (ranks.length == 1 ? " " : "s ") + missing));
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WireException(WireException.Reason.INTERRUPTED, several != null ? several : new int[] {fromRank},
                    "rank " + rank + " was interrupted while waiting for chunk " + chunk + " of operation " + operation,
                    e);
        }
    }

    // ---- failure

    /**
     * Tells every other rank that this rank aborts {@code operation} (their waits fail with
     * {@code ABORTED} as soon as the message arrives) and breaks this mesh. Best effort and bounded: a
     * connection whose writer does not yield within 200 ms or whose peer does not take the message
     * within 1 s is closed instead, which fails the peer's waits with {@code PEER_LOST}.
     */
    public void abort(long operation, String reason) {
        Objects.requireNonNull(reason, "reason");
        fail(new WireException(WireException.Reason.ABORTED, new int[] {rank}, "rank " + rank
                + " aborted operation " + operation + ": " + reason));
        writer.abort(peers, operation, reason);
    }

    /** Records the first failure, drops every waiting frame and wakes every waiter; returns {@code f}. */
    WireException fail(WireException f) {
        synchronized (lock) {
            if (failure == null) {
                failure = f;
            }
            for (PeerInbox peer : peers) {
                if (peer != null) {
                    peer.dropWaiting();
                    readSides.resume(peer); // the reader thread drains the connection as before
                }
            }
            lock.notifyAll();
        }
        return f;
    }

    private PeerInbox peer(int r) {
        if (r < 0 || r >= worldSize || r == rank) {
            throw new IllegalArgumentException("rank " + r + " is not a peer of rank " + rank + " in a world of "
                    + worldSize);
        }
        return peers[r];
    }

    /**
     * Leaves the world: tells every peer that this rank's last operation was {@code lastOperation}
     * (their waits for a later one fail with {@code MEMBER_LEFT}), then closes.
     */
    public void leave(long lastOperation) {
        if (failure == null) {
            writer.goodbye(peers, lastOperation);
        }
        close();
    }

    /** Closes every connection; waits of other threads fail with {@code CLOSED}. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        fail(new WireException(WireException.Reason.CLOSED, new int[0], "rank " + rank + "'s mesh is closed"));
        synchronized (lock) {
            for (PeerInbox peer : peers) {
                if (peer != null && peer.link != null) {
                    peer.link.close();
                }
            }
        }
        LockSupport.unpark(watchdog);
        LockSupport.unpark(heartbeatThread);
        endpoint.detach(this);
    }

    @Override
    public String toString() {
        return "PeerMesh[rank " + rank + " of " + worldSize + ", world " + Long.toHexString(worldId)
                + (failure != null ? ", failed: " + failure.reason() : "") + "]";
    }

    // ---- formation

    /** How this mesh comes to stand (for the endpoint). */
    MeshFormation formation() {
        return formation;
    }

    // ---- what the readers ({@link FrameReader}) report

    /** A frame header arrived from {@code peerRank}: it is alive. */
    void heard(int peerRank) {
        peers[peerRank].lastHeard = System.nanoTime();
    }

    /**
     * Nothing arrived from {@code peerRank} for the silence bound, or it took nothing: the mesh fails with
     * {@code PEER_LOST} naming it, and its connection is closed (a write blocked on it ends too).
     */
    void silenced(int peerRank, String why) {
        PeerInbox peer = peers[peerRank];
        fail(new WireException(WireException.Reason.PEER_LOST, peerRank, "rank " + rank + " lost rank " + peerRank
                + ": " + why + " (frozen, paused or unreachable)"));
        Link link = peer.link;
        if (link != null) {
            link.close();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Rank {@code peerRank} aborted {@code operation}: the mesh fails with its reason. */
    void aborted(int peerRank, long operation, String reason) {
        fail(new WireException(WireException.Reason.ABORTED, peerRank, "rank " + peerRank + " aborted operation "
                + operation + ": " + reason));
    }

    /** Rank {@code peerRank} said goodbye after {@code lastOperation}. */
    void left(int peerRank, long lastOperation) {
        synchronized (lock) {
            PeerInbox peer = peers[peerRank];
            peer.left = true;
            peer.leftAfter = lastOperation;
            lock.notifyAll();
        }
    }

    /** The connection to {@code peerRank} ended: orderly after a goodbye or a close, otherwise the peer is lost. */
    void ended(int peerRank, IOException cause) {
        synchronized (lock) {
            if (closed || peers[peerRank].left) {
                return;
            }
        }
        fail(new WireException(WireException.Reason.PEER_LOST, peerRank, "rank " + rank
                + " lost its connection to rank " + peerRank + " (" + cause + ")", cause));
    }

    /**
     * A frame a genuine peer never sends: counted, and the connection dropped (its stream cannot be
     * trusted past this header), which breaks the world cleanly with {@code REFUSED} naming the peer.
     */
    void refuse(int peerRank, Refusal refusal, String detail) {
        PeerInbox peer = peers[peerRank];
        counters.count(refusal);
        fail(new WireException(WireException.Reason.REFUSED, peer.rank, "rank " + rank + " refused a frame on rank "
                + peer.rank + "'s connection (" + refusal + ": " + detail + ") and dropped the connection"));
        Link link = peer.link;
        if (link != null) {
            link.close();
        }
    }

    /**
     * A free buffer of {@code peer}, waiting (if {@code mayWait}: the reader thread) while all of them hold
     * frames the caller has not taken.
     */
    @Nullable Received acquire(int peerRank, Link link, boolean mayWait) throws IOException {
        PeerInbox peer = peers[peerRank];
        synchronized (lock) {
            try {
                while (true) {
                    Received free = peer.freeBuffer(link);
                    if (free != null) {
                        return free;
                    }
                    if (closed || failure != null || !mayWait) {
                        return null;
                    }
                    peer.readerWaitsForBuffer = true; // this rank stopped reading: the peer is not silent
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for a free buffer", e);
                    }
                }
            } finally {
                if (peer.readerWaitsForBuffer) {
                    peer.lastHeard = System.nanoTime();
                    peer.readerWaitsForBuffer = false;
                }
            }
        }
    }

    /** Who reads each connection (for the readers, the watchdog and tests). */
    ReadSides readSides() {
        return readSides;
    }

    /** Who reads {@code peerRank}'s connection now (for tests). */
    PeerInbox.ReadSide readSide(int peerRank) {
        return readSides.of(peer(peerRank));
    }

    /** Files a frame for the caller; {@code false} for a duplicate (the buffer goes back to the pool). */
    boolean deliver(int peerRank, Received received) {
        PeerInbox peer = peers[peerRank];
        synchronized (lock) {
            if (failure != null) {
                peer.release(received);
                return true;
            }
            if (!peer.file(received)) {
                return false;
            }
            lock.notifyAll();
            return true;
        }
    }
}
