package io.github.skrl4j.adam.hazelcast;

import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.adam.distributed.spi.TransportCollectives;
import io.github.skrl4j.adam.distributed.wire.TlsEngines;
import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.github.skrl4j.adam.distributed.wire.WireOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * How {@link HazelcastCollectives#join} and {@link HazelcastCollectives#formation} form worlds.
 * Hazelcast finds the members and watches them; the gradients travel on the data plane
 * ({@code io.github.skrl4j.adam.distributed.wire}), which listens where {@code dataPlaneBind} says.
 *
 * @param run           names the training run; members join the same world only under the same name
 * @param worldSize     members every world must have: a formation waits until the cluster has exactly
 *                      this many
 * @param joinTimeout   how long {@link HazelcastCollectives#join} waits for them, their claims and the
 *                      connections (a {@link HazelcastCollectives#formation} is given a timeout per world)
 * @param timeout       how long one collective operation may wait for the other ranks
 * @param chunkSize     values per chunk: the unit each rank reduces and of one data-plane frame (the
 *                      longest frame a rank accepts)
 * @param dataPlaneBind where this member's data plane listens (default loopback, a free port); when it
 *                      is the wildcard address, the peers connect to the Hazelcast member's address
 * @param sslContext    mutual TLS for the data plane on the JDK's engines (its key managers identify this
 *                      member, its trust managers decide who may connect); {@code null} for plaintext or
 *                      when {@code tlsEngines} are given
 * @param tlsEngines    mutual TLS for the data plane on these engines (e.g. adam-distributed's native
 *                      {@code OpenSslTlsEngines}); {@code null} for plaintext; given an {@code sslContext}
 *                      alone, the JDK's engines of that context
 * @param allowInsecure permits plaintext on a non-loopback {@code dataPlaneBind} (peers are then neither
 *                      authenticated nor encrypted); without it such a join is refused
 * @param refusals      where the data plane counts what it refuses, by reason (for meters); {@code null}
 *                      for counters of the world's own
 * @param rank          this member's rank in every world, in {@code [0, worldSize)}, the same across
 *                      restarts of the replica; {@link WorldFormation#UNASSIGNED} (the default): ranks follow
 *                      Hazelcast's member-list order (rank 0 the oldest member). Either every member of a
 *                      world configures its rank or none does.
 * @param failureDetection how long a rank of a formed world may send nothing on the data plane (every rank
 *                      sends heartbeats on a quiet connection) before the others declare it lost and the
 *                      world breaks: how a frozen member (SIGSTOP, a long GC pause) is seen while
 *                      Hazelcast still counts it as a member, so that it rejoins its world at once when it
 *                      continues (default 10 s, at least 400 ms)
 */
public record HazelcastCollectiveOptions(String run, int worldSize, Duration joinTimeout, Duration timeout,
        int chunkSize, InetSocketAddress dataPlaneBind, @Nullable SSLContext sslContext,
        @Nullable TlsEngines tlsEngines, boolean allowInsecure, @Nullable WireCounters refusals, int rank,
        Duration failureDetection) {

    /** Checks every value. */
    public HazelcastCollectiveOptions {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(joinTimeout, "joinTimeout");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(dataPlaneBind, "dataPlaneBind");
        Objects.requireNonNull(failureDetection, "failureDetection");
        if (tlsEngines == null && sslContext != null) {
            tlsEngines = TlsEngines.jdk(sslContext);
        } else if (sslContext != null && !tlsEngines.equals(TlsEngines.jdk(sslContext))) {
            throw new IllegalArgumentException("give either an sslContext or tlsEngines, not both: " + tlsEngines
                    .description() + " does not use the context given");
        }
        if (run.isBlank()) {
            throw new IllegalArgumentException("run must not be blank");
        }
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be >= 1, was " + worldSize);
        }
        if (joinTimeout.isNegative() || joinTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive, were " + joinTimeout + " and " + timeout);
        }
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize must be in [1, " + MAX_CHUNK_SIZE + "], was " + chunkSize);
        }
        if (rank < WorldFormation.UNASSIGNED || rank >= worldSize) {
            throw new IllegalArgumentException("rank must be in [0, " + worldSize + ") or " + WorldFormation.UNASSIGNED
                    + " (ranks in member-list order), was " + rank);
        }
        if (failureDetection.compareTo(WireOptions.MIN_PEER_SILENCE) < 0) {
            throw new IllegalArgumentException("failureDetection must be at least "
                    + WireOptions.MIN_PEER_SILENCE.toMillis() + " ms, was " + failureDetection);
        }
    }

    /** The largest chunk the data plane carries in one frame: 16,777,216 floats (64 MiB). */
    public static final int MAX_CHUNK_SIZE = 1 << 24;

    /**
     * A world of {@code worldSize} members for {@code run}: join timeout 60 s, the collective's default
     * timeout and chunk size, the data plane on loopback (any free port) in plaintext.
     */
    public static HazelcastCollectiveOptions of(String run, int worldSize) {
        return new HazelcastCollectiveOptions(run, worldSize, Duration.ofSeconds(60), TransportCollectives.DEFAULT_TIMEOUT,
                TransportCollectives.DEFAULT_CHUNK_SIZE, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null, null, false, null, WorldFormation.UNASSIGNED, WireOptions.DEFAULT_PEER_SILENCE);
    }

    /** These options with another operation timeout. */
    public HazelcastCollectiveOptions withTimeout(Duration newTimeout) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, newTimeout, chunkSize, dataPlaneBind,
                sslContext, tlsEngines, allowInsecure, refusals, rank, failureDetection);
    }

    /** These options with another join timeout. */
    public HazelcastCollectiveOptions withJoinTimeout(Duration newJoinTimeout) {
        return new HazelcastCollectiveOptions(run, worldSize, newJoinTimeout, timeout, chunkSize, dataPlaneBind,
                sslContext, tlsEngines, allowInsecure, refusals, rank, failureDetection);
    }

    /** These options with another chunk size. */
    public HazelcastCollectiveOptions withChunkSize(int newChunkSize) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, timeout, newChunkSize, dataPlaneBind,
                sslContext, tlsEngines, allowInsecure, refusals, rank, failureDetection);
    }

    /** These options with the data plane listening at {@code bind} (port 0: a free port). */
    public HazelcastCollectiveOptions withDataPlaneBind(InetSocketAddress bind) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, timeout, chunkSize, bind, sslContext,
                tlsEngines, allowInsecure, refusals, rank, failureDetection);
    }

    /** These options with mutual TLS on the data plane ({@code null}: plaintext). */
    public HazelcastCollectiveOptions withSslContext(@Nullable SSLContext context) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, timeout, chunkSize, dataPlaneBind, context,
                null, allowInsecure, refusals, rank, failureDetection);
    }

    /**
     * These options with mutual TLS on the data plane on {@code engines}, e.g. adam-distributed's
     * {@code OpenSslTlsEngines.of(keys, trust)} ({@code null}: plaintext).
     */
    public HazelcastCollectiveOptions withTlsEngines(@Nullable TlsEngines engines) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, timeout, chunkSize, dataPlaneBind, null,
                engines, allowInsecure, refusals, rank, failureDetection);
    }

    /** These options permitting (or not) plaintext on a non-loopback data-plane address. */
    public HazelcastCollectiveOptions withAllowInsecure(boolean allow) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, timeout, chunkSize, dataPlaneBind,
                sslContext, tlsEngines, allow, refusals, rank, failureDetection);
    }

    /** These options counting the data plane's refusals into {@code counters}. */
    public HazelcastCollectiveOptions withRefusals(@Nullable WireCounters counters) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, timeout, chunkSize, dataPlaneBind,
                sslContext, tlsEngines, allowInsecure, counters, rank, failureDetection);
    }

    /**
     * These options with this member's stable rank ({@link WorldFormation#UNASSIGNED}: ranks in
     * member-list order).
     */
    public HazelcastCollectiveOptions withRank(int newRank) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, timeout, chunkSize, dataPlaneBind,
                sslContext, tlsEngines, allowInsecure, refusals, newRank, failureDetection);
    }

    /** These options declaring a rank lost after {@code silence} without a byte on the data plane. */
    public HazelcastCollectiveOptions withFailureDetection(Duration silence) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, timeout, chunkSize, dataPlaneBind,
                sslContext, tlsEngines, allowInsecure, refusals, rank, silence);
    }

    /** The data plane's options: these addresses and TLS settings, frames of at most one chunk. */
    WireOptions wireOptions() {
        return WireOptions.builder().bindAddress(dataPlaneBind).tlsEngines(tlsEngines).allowInsecure(allowInsecure)
                .maxChunkFloats(chunkSize).peerSilenceTimeout(failureDetection).build();
    }
}
