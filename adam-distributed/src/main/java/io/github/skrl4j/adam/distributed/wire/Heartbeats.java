package io.github.skrl4j.adam.distributed.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The liveness of a mesh's peers. A peer that is frozen (SIGSTOP, a long GC pause, a stuck host)
 * keeps its connections open, so nothing ends a read; it is seen only by its silence. So this rank
 * writes a header-only heartbeat frame on every connection nothing else was written to for an
 * interval (a busy connection needs none), and declares a peer lost when nothing at all was read
 * from it for the silence bound ({@link WireOptions#peerSilenceTimeout()}).
 *
 * <p>Two threads take part: the heartbeat thread ({@link #run}) writes heartbeats, each write bounded
 * by the silence bound through the mesh's write-deadline watchdog (a peer that takes not even 32 bytes
 * that long is lost as well); the watchdog calls {@link #silentPeer} every period, which never blocks.
 *
 * <p>Three silences are not the peer's and are never held against it: while this rank's reader waits for
 * its own caller to take frames (this rank stopped reading), while nobody reads because the read side is
 * left to this rank's caller ({@link PeerInbox.ReadSide#FREE}, at most a watchdog period or two), and
 * right after this process itself
 * stood still (its own pause would otherwise make every peer look silent; the heartbeats they sent
 * meanwhile wait unread in the socket).
 */
final class Heartbeats implements Runnable {

    /** Heartbeats go out at least this often, and at least four times per silence bound. */
    private static final long MAX_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PeerMesh mesh;
    private final @Nullable PeerInbox[] peers;
    private final long silenceNanos;
    private final long intervalNanos;
    private final ByteBuffer[] frames;
    private long lastCheck = System.nanoTime();
    private long judgedSince = lastCheck;

    Heartbeats(PeerMesh mesh, @Nullable PeerInbox[] peers, Duration silence) {
        this.mesh = mesh;
        this.peers = peers;
        this.silenceNanos = silence.toNanos();
        this.intervalNanos = Math.min(MAX_INTERVAL_NANOS, silenceNanos / 4);
        this.frames = new ByteBuffer[peers.length];
    }

    /** The silence bound, in nanoseconds. */
    long silenceNanos() {
        return silenceNanos;
    }

    /**
     * The first connected peer nothing was read from for the silence bound, or -1. Called by the
     * watchdog only (it keeps its own clock of when it last looked).
     */
    int silentPeer(long now) {
        if (now - lastCheck > silenceNanos / 2) {
            judgedSince = now; // this process stood still: the peers' heartbeats are in the socket, unread
        }
        lastCheck = now;
        for (PeerInbox peer : peers) {
            if (peer == null || !peer.reading || peer.readerWaitsForBuffer
                    || peer.readSide == PeerInbox.ReadSide.FREE) {
                continue; // this rank is not reading (its caller holds buffers, or will read itself)
            }
            long heard = Math.max(peer.lastHeard, judgedSince);
            if (now - heard > silenceNanos) {
                return peer.rank;
            }
        }
        return -1;
    }

    static String describe(long nanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** The heartbeat thread: until the mesh closes, a heartbeat on each connection that was quiet for an interval. */
    @Override
    public void run() {
        while (!mesh.isClosed()) {
            LockSupport.parkNanos(this, intervalNanos / 2);
            long now = System.nanoTime();
            for (PeerInbox peer : peers) {
                Link link = peer == null ? null : peer.link;
                if (link == null || !peer.reading || now - peer.lastWritten < intervalNanos) {
                    continue;
                }
                if (!link.writeLock.tryLock()) {
                    continue; // a frame is being written: that tells the peer as much
                }
                try {
                    ByteBuffer frame = frames[peer.rank];
                    if (frame == null) {
                        frame = link.allocate(Protocol.HEADER_BYTES);
                        Protocol.putHeader(frame, Protocol.HEARTBEAT, mesh.rank(), mesh.worldId(), 0, 0, 0);
                        frames[peer.rank] = frame;
                    }
                    link.writeBefore(frame, System.nanoTime() + silenceNanos);
                    peer.lastWritten = System.nanoTime();
                } catch (IOException e) {
                    if (link.timedOut) {
                        mesh.silenced(peer.rank, "it took not even a heartbeat within " + describe(silenceNanos));
                    }
                    continue; // otherwise the connection failed: its reader reports why
                } finally {
                    link.writeLock.unlock();
                }
            }
        }
    }
}
