package io.github.skrl4j.adam.distributed.wire;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The thread that keeps a {@link PeerMesh}'s blocking calls bounded: every period it closes each connection
 * whose current write passed its deadline (the blocked writer then fails with {@code TIMEOUT}: a blocking
 * channel's write has no timeout of its own) or whose frame a caller reads itself stopped half read past
 * the caller's deadline, gives read sides nobody read for a period back to their reader threads
 * ({@link ReadSides#resumeIdle}), and fails the mesh when a peer fell silent
 * ({@link Heartbeats#silentPeer}). It never blocks (but for the mesh's lock), and ends when the mesh closes.
 */
final class Watchdog implements Runnable {

    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final PeerMesh mesh;
    private final @Nullable PeerInbox[] peers;
    private final Heartbeats heartbeats;

    Watchdog(PeerMesh mesh, @Nullable PeerInbox[] peers, Heartbeats heartbeats) {
        this.mesh = mesh;
        this.peers = peers;
        this.heartbeats = heartbeats;
    }

    @Override
    public void run() {
        while (!mesh.isClosed()) {
            LockSupport.parkNanos(this, PERIOD_NANOS);
            long now = System.nanoTime();
            int silent = heartbeats.silentPeer(now);
            if (silent >= 0 && mesh.failure() == null) {
                mesh.silenced(silent, "nothing arrived from it for "
                        + Heartbeats.describe(heartbeats.silenceNanos()));
            }
            mesh.readSides().resumeIdle(now);
            for (PeerInbox peer : peers) {
                Link link = peer == null ? null : peer.link;
                if (link != null && link.writing && now - link.writeDeadline > 0) {
                    link.timedOut = true;
                    link.close();
                }
                if (link != null && link.callerReading && now - link.readDeadline > 0) {
                    link.readTimedOut = true; // the caller's frame stopped half read: the stream cannot go on
                    link.close();
                }
            }
        }
    }
}
