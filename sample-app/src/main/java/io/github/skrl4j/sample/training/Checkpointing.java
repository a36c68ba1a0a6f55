package io.github.skrl4j.sample.training;

import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a run writes checkpoints: every {@code checkpoint-interval} updates and once at its end (unless
 * it failed), and only on the replica that writes them ({@link ReplicaCoordination#writesCheckpoints()}).
 * How a checkpoint is written and read is the {@link CheckpointStore}'s job.
 */
final class Checkpointing {

    private static final Logger log = LoggerFactory.getLogger(Checkpointing.class);

    private final CheckpointStore store;
    private final int interval;
    private final boolean writes;
    private final int worldSize;

    /**
     * @param interval  a checkpoint every this many updates; 0 only at the end
     * @param writes    false on a replica whose checkpoints rank 0 writes
     * @param worldSize the replicas training together (1 alone), recorded in every checkpoint
     */
    Checkpointing(CheckpointStore store, int interval, boolean writes, int worldSize) {
        this.store = store;
        this.interval = interval;
        this.writes = writes;
        this.worldSize = worldSize;
    }

    /** After every update: a checkpoint when the update count is a multiple of the interval. */
    void afterUpdate(PpoAgent agent, TrainingProgress progress) {
        if (interval > 0 && progress.updates() % interval == 0 && writes) {
            store.save(agent, progress, worldSize);
        }
    }

    /** The final checkpoint of a run that did not fail; a failure to write it is logged, the run's outcome kept. */
    void atEnd(PpoAgent agent, TrainingProgress progress) {
        if (!writes) {
            return;
        }
        try {
            store.save(agent, progress, worldSize);
        } catch (RuntimeException e) {
            log.error("Final checkpoint failed", e);
        }
    }

    /** The newest checkpoint written, or null. */
    @Nullable String lastSaved() {
        return store.lastSaved();
    }
}
