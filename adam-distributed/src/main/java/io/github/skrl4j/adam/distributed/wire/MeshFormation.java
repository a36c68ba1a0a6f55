package io.github.skrl4j.adam.distributed.wire;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link PeerMesh} comes to stand, for {@link WireEndpoint#formWorld} and the endpoint's handshakes:
 * which hello may join it ({@link #checkHello}: the settings, and the ranks the lower connects to the higher),
 * each peer's connection installed once ({@link #reserve}), its reader started ({@link #start}), and the wait
 * until every peer is read from ({@link #awaitFormed}). Once the world is formed only a late hello still
 * comes here, and {@link #reserve} refuses it (the ranks are taken).
 *
 * <p>Locking: the mesh's lock (the one every wait of the mesh waits on) guards what this class writes of each
 * {@link PeerInbox}: {@code link} (set once, never after the mesh failed or closed), {@code frames},
 * {@code readerThread}, {@code reading} and, at the start, {@code lastHeard}; {@link #awaitFormed} waits on
 * it, and {@link #reserve} and {@link #start} notify it. The reader thread is started outside the lock. The
 * mesh's failure and closed flag are the mesh's own ({@link PeerMesh#fail}).
 */
final class MeshFormation {

    private final PeerMesh mesh;
    /** The mesh's lock. */
    private final Object lock;
    private final @Nullable PeerInbox[] peers;
    private final int frameCapacity;

    MeshFormation(PeerMesh mesh, Object lock, @Nullable PeerInbox[] peers, int frameCapacity) {
        this.mesh = mesh;
        this.lock = lock;
        this.peers = peers;
        this.frameCapacity = frameCapacity;
    }

    /** Why a hello from {@code fromRank} may not join this mesh, or {@code null} if it may. */
    @Nullable Refusal checkHello(int fromRank, int toRank, int helloWorldSize, int helloMaxChunk) {
        int rank = mesh.rank();
        if (helloWorldSize != mesh.worldSize() || helloMaxChunk != mesh.maxChunkFloats()) {
            return Refusal.SETTINGS_MISMATCH;
        }
        if (toRank != rank || fromRank < 0 || fromRank >= rank) {
            return Refusal.WRONG_RANK; // the lower rank connects to the higher one, never the other way
        }
        return null;
    }

    /** Installs {@code link} as the connection to {@code peerRank} unless that rank is connected already. */
    boolean reserve(int peerRank, Link link) {
        synchronized (lock) {
            PeerInbox peer = peers[peerRank];
            if (mesh.isClosed() || mesh.failure() != null || peer == null || peer.link != null) {
                return false;
            }
            peer.link = link;
            lock.notifyAll();
            return true;
        }
    }

    /** Starts reading from the reserved connection to {@code peerRank}. */
    void start(int peerRank) {
        PeerInbox peer = peers[peerRank];
        Link link = Objects.requireNonNull(peer.link, "reserved link");
        FrameReader frames = new FrameReader(mesh, peer, link, mesh.worldId(), frameCapacity);
        Thread reader = new Thread(frames, "skrl4j-wire-" + mesh.rank() + "-from-" + peerRank);
        reader.setDaemon(true);
        synchronized (lock) {
            peer.frames = frames;
            peer.readerThread = reader;
        }
        reader.start();
        synchronized (lock) {
            peer.lastHeard = System.nanoTime();
            peer.reading = true;
            lock.notifyAll();
        }
    }

    /** Waits until every peer is connected and read from; at the deadline fails naming the ranks that never connected. */
    void awaitFormed(long deadlineNanos) {
        int rank = mesh.rank();
        synchronized (lock) {
            while (true) {
                WireException f = mesh.failure();
                if (f != null) {
                    throw f.in("rank " + rank + " forming the world");
                }
                int[] missing = Arrays.stream(peers).filter(p -> p != null && !p.reading).mapToInt(p -> p.rank)
                        .toArray();
                if (missing.length == 0) {
                    return;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw mesh.fail(new WireException(WireException.Reason.FORMATION, missing, "rank " + rank
                            + " waited in vain for rank" + (missing.length == 1 ? " " : "s ")
                            + Arrays.toString(missing).replaceAll("[\\[\\]]", "") + " to connect"));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new WireException(WireException.Reason.INTERRUPTED, missing, "rank " + rank
                            + " was interrupted while forming the world", e);
                }
            }
        }
    }
}
