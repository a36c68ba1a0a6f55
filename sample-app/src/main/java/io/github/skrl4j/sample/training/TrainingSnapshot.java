package io.github.skrl4j.sample.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.spring.actuate.OptimizerDescriptor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A training run as {@code GET /api/training} shows it.
 *
 * @param status              where the run is
 * @param episodes            episodes finished
 * @param environmentSteps    environment steps taken
 * @param updates             PPO updates done
 * @param meanReturn100       mean return over the last 100 episodes (fewer at the start)
 * @param lastReturn          the last episode's return (null before the first)
 * @param elapsedSeconds      wall-clock time of the run so far (frozen when it ends)
 * @param solvedThreshold     the mean return that counts as solved
 * @param maxEnvironmentSteps the step budget
 * @param optimizers          the two optimizers
 * @param resumedFrom         the checkpoint the run continued from, if any
 * @param lastCheckpoint      the newest checkpoint written by this run, if any
 * @param error               what went wrong, when FAILED
 * @param replica             this replica's place in data-parallel training; null when it trains alone
 * @see #availableKernel()
 */
public record TrainingSnapshot(
        TrainingStatus status,
        long episodes,
        long environmentSteps,
        long updates,
        double meanReturn100,
        @Nullable Double lastReturn,
        double elapsedSeconds,
        double solvedThreshold,
        long maxEnvironmentSteps,
        List<OptimizerSnapshot> optimizers,
        @Nullable String resumedFrom,
        @Nullable String lastCheckpoint,
        @Nullable String error,
        @Nullable Replica replica) {

    /**
     * A replica of data-parallel training.
     *
     * @param rank              this replica's rank (0 writes the checkpoints)
     * @param worldSize         replicas training together
     * @param parameterChecksum CRC-32C of both networks' parameters after the last update (null before)
     * @param consistent        whether every replica had the same checksum then (null before)
     * @param world             where the world is: forming, training, re-forming, broken or done
     * @param restarts          how often the world re-formed so far (the first formation is none)
     * @param lastFailure       what broke the world last (the exception's class and message), null if it never broke
     * @param lastFailureAt     when (ISO-8601 instant), null if it never broke
     */
    public record Replica(int rank, int worldSize, @Nullable String parameterChecksum, @Nullable Boolean consistent,
            WorldState world, int restarts, @Nullable String lastFailure, @Nullable String lastFailureAt) {
    }

    /**
     * The step kernel this JVM offers its optimizers (shown as {@code availableKernel}): its name and whether it
     * is the vector one. Each optimizer's {@code kernel} is the one its steps run, which for the sample's small
     * networks is the portable kernel unless they warm up at their start ({@code skrl.optim.adam.warm-up}).
     */
    @JsonProperty("availableKernel")
    public Kernels.Kernel availableKernel() {
        return Kernels.active();
    }

    /**
     * One optimizer.
     *
     * @param name               {@code policy} or {@code value}
     * @param count              steps taken (Optax's {@code count})
     * @param learningRate       the learning rate of its next step
     * @param lastGradientNorm   global gradient norm of its last step, before clipping (null before the first)
     * @param scale              true when it applies its own learning rate, false when the agent passes one
     * @param gradNormClip       the global-norm clipping threshold (0 when it does not clip)
     * @param kernel             the kernel its steps run now (the starter's {@code /actuator/optimizers} form)
     */
    public record OptimizerSnapshot(String name, long count, double learningRate, @Nullable Double lastGradientNorm,
            boolean scale, double gradNormClip, OptimizerDescriptor.StepKernel kernel) {
    }
}
