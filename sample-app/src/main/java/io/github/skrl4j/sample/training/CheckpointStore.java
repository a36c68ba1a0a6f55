package io.github.skrl4j.sample.training;

import io.github.skrl4j.sample.ppo.LearningRateAdapter;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.PpoSettings;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Saves a run (both networks, both optimizers, the progress counters, the world size) and continues one from
 * a save.
 */
public interface CheckpointStore {

    /**
     * A run read back from a checkpoint.
     *
     * @param agent    networks and optimizers as saved, and the policy's adapted learning rate
     * @param progress the counters as saved
     * @param location  the checkpoint folder read
     * @param worldSize the number of replicas that trained the run up to this checkpoint (1 alone), or
     *                  {@link #UNKNOWN_WORLD_SIZE} for a checkpoint written before the world size was recorded
     */
    record Restored(PpoAgent agent, TrainingProgress progress, Path location, int worldSize) {
    }

    /** {@link Restored#worldSize()} of a checkpoint that does not record it. */
    int UNKNOWN_WORLD_SIZE = 0;

    /**
     * Writes a checkpoint of the run now; a checkpoint appears complete or not at all.
     *
     * @param worldSize the number of replicas training together (1 alone), recorded so that a resume in a
     *                  world of another size can be refused
     * @return the checkpoint folder
     */
    Path save(PpoAgent agent, TrainingProgress progress, int worldSize);

    /**
     * Reads a checkpoint back.
     *
     * @param from a checkpoint folder, or a folder of checkpoints (the newest is taken)
     * @throws io.github.skrl4j.adam.CheckpointException if nothing complete is there or a file is corrupt
     */
    Restored load(Path from, PpoSettings settings, OptimizerRestorer optimizers,
            LearningRateAdapter learningRateAdapter);

    /** The newest checkpoint this store wrote, or null. */
    @Nullable String lastSaved();
}
