package io.github.skrl4j.sample.training;

import io.github.skrl4j.sample.ppo.LearningRateAdapter;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.PpoSettings;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Saves a run (both networks, both optimizers, the progress counters) and continues one from a save. */
public interface CheckpointStore {

    /**
     * A run read back from a checkpoint.
     *
     * @param agent    networks and optimizers as saved, and the policy's adapted learning rate
     * @param progress the counters as saved
     * @param location the checkpoint folder read
     */
    record Restored(PpoAgent agent, TrainingProgress progress, Path location) {
    }

    /**
     * Writes a checkpoint of the run now; a checkpoint appears complete or not at all.
     *
     * @return the checkpoint folder
     */
    Path save(PpoAgent agent, TrainingProgress progress);

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
