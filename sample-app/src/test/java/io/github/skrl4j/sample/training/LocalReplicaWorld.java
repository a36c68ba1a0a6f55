package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.ForwardingCollective;
import io.github.skrl4j.adam.distributed.ReformableCollective;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.RestartPolicy;
import io.github.skrl4j.adam.distributed.WorldFormation;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A replica's {@link ReformableCollective} in a test: a {@link ReformingWorld} over one of
 * {@code LocalCollectives.formations}, as the starter's bean is one over the Hazelcast cluster's formations.
 * {@link #lose()} takes the replica out as a killed process would be: its world closes (the other replicas'
 * operations fail), and it never forms another; a replacement is a new instance over the same formation.
 */
final class LocalReplicaWorld extends ForwardingCollective implements ReformableCollective {

    /** What a lost replica's training thread meets from then on: a failure of its own, not the world's. */
    static final class ReplicaLostException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReplicaLostException() {
            super("this replica was lost (the test took it out)");
        }
    }

    private final ReformingWorld reforming;
    private volatile boolean lost;

    LocalReplicaWorld(WorldFormation formation, RestartPolicy policy, Duration joinTimeout) {
        this.reforming = new ReformingWorld(formation, policy, joinTimeout);
    }

    /** This replica is lost: its current world closes, and it forms no other. */
    void lose() {
        lost = true;
        reforming.awaitWorld().close();
    }

    /** The current world, formed first if needed; a lost replica meets its own failure instead. */
    @Override
    protected Collective delegate() {
        if (lost) {
            throw new ReplicaLostException();
        }
        return reforming.awaitWorld();
    }

    @Override
    public void reform(Throwable cause) {
        if (lost) {
            throw new ReplicaLostException();
        }
        reforming.reform(cause);
    }

    @Override
    public void giveUp(Throwable cause) {
        if (!lost) { // a lost replica is a killed process: it tells nobody
            reforming.giveUp(cause);
        }
    }

    @Override
    public ReformingWorld.Status status() {
        return reforming.status();
    }

    @Override
    public int restarts() {
        return reforming.restarts();
    }

    @Override
    public @Nullable String lastFailure() {
        return reforming.lastFailure();
    }

    @Override
    public int configuredRank() {
        return reforming.configuredRank();
    }

    @Override
    public int worldSize() {
        return reforming.worldSize();
    }

    @Override
    public void close() {
        reforming.close();
    }
}
