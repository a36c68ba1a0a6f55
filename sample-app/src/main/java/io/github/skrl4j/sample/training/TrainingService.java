package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.ReformableCollective;
import io.github.skrl4j.adam.spring.actuate.OptimizerDescriptor;
import io.github.skrl4j.sample.ppo.EpisodeStats;
import io.github.skrl4j.sample.ppo.LearningRateAdapter;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.OptimizerSource;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.PpoSettings;
import io.github.skrl4j.sample.ppo.PpoTrainer;
import io.github.skrl4j.sample.ppo.StepForm;
import io.github.skrl4j.sample.ppo.TrainingListener;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import io.github.skrl4j.sample.ppo.UpdateStats;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs one PPO training run on a background thread from the moment the application is up, and stops
 * it cleanly on shutdown. The agent is built (or restored from a checkpoint) in {@link #start()}, on
 * the starting thread, so a bad checkpoint stops the application's start with its message.
 */
public class TrainingService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TrainingService.class);

    /** Exit code of batch mode when the budget ran out before solving. */
    public static final int EXIT_BUDGET_EXHAUSTED = 2;
    /** Exit code of batch mode when training failed. */
    public static final int EXIT_FAILED = 1;

    private final TrainingProperties properties;
    private final OptimizerSource optimizers;
    private final OptimizerRestorer restorer;
    private final LearningRateAdapter learningRateAdapter;
    private final TrainingRecorder recorder;
    private final CheckpointStore checkpoints;
    private final IntConsumer exit;

    private volatile TrainingStatus status = TrainingStatus.IDLE;
    private volatile @Nullable String error;
    private volatile @Nullable RunStart run;
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile boolean stopRequested;
    private volatile @Nullable Thread thread;
    private volatile ReplicaCoordination replicas = ReplicaCoordination.alone();

    /**
     * @param optimizers creates fresh optimizers ({@code policy}, {@code value})
     * @param restorer   re-creates them from a checkpoint's state
     * @param exit called with the exit code when a batch-mode run ends (not called otherwise)
     */
    public TrainingService(TrainingProperties properties, OptimizerSource optimizers, OptimizerRestorer restorer,
            LearningRateAdapter learningRateAdapter, TrainingRecorder recorder, CheckpointStore checkpoints,
            IntConsumer exit) {
        this.properties = properties;
        this.optimizers = optimizers;
        this.restorer = restorer;
        this.learningRateAdapter = learningRateAdapter;
        this.recorder = recorder;
        this.checkpoints = checkpoints;
        this.exit = exit;
    }

    /**
     * Trains data-parallel with the other replicas of {@code replicas} (call before {@link #start()}):
     * each replica seeds its environment and sampling with {@code seed + rank}, starts from one state the
     * world chooses once every replica is shown to hold it (a mismatch fails the run with {@code MISMATCH}
     * before any step), averages every gradient, and after every update the replicas agree whether they have
     * solved (the mean of their mean returns reaches the threshold, every one having 100 episodes) and
     * compare parameter checksums. When the world breaks, every replica goes back to the last state they
     * were shown to share and waits for the world to re-form, within its restart budget; then the world
     * continues from the newest such state any replica holds. Only rank 0 writes checkpoints.
     */
    public void distributeOver(ReformableCollective replicas) {
        this.replicas = ReplicaCoordination.over(replicas);
    }

    /** Builds the agent (fresh or from {@code resume-from}) and starts training on a background thread. */
    @Override
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        PpoSettings settings = properties.ppo().toSettings();
        ReplicaCoordination coordination = replicas;
        long seed = coordination.seedOf(properties.seed());
        Path resumeFrom = properties.resumeFrom();
        RunStart built;
        if (resumeFrom == null) {
            built = RunStart.fresh(settings, seed, optimizers, learningRateAdapter);
        } else {
            CheckpointStore.Restored restored = checkpoints.load(resumeFrom, settings, restorer, learningRateAdapter);
            coordination.acceptCheckpoint(restored, properties.allowWorldSizeChange());
            built = RunStart.resumed(restored, seed);
        }
        run = built;
        RunStart.Rebuild rebuild = new RunStart.Rebuild(settings, optimizers, restorer, learningRateAdapter,
                properties.seed());
        startNanos = System.nanoTime();
        status = TrainingStatus.RUNNING;
        Thread t = new Thread(() -> run(built, rebuild, coordination), "ppo-training");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run(RunStart built, RunStart.Rebuild rebuild, ReplicaCoordination coordination) {
        log.info("Training PPO on CartPole-v1: seed {}, budget {} environment steps, solved at mean return {}",
                coordination.seedOf(properties.seed()), properties.maxEnvironmentSteps(),
                properties.solvedThreshold());
        TrainingStatus outcome;
        RunStart current = built;
        Checkpointing checkpointing = checkpointing(coordination);
        try {
            PpoTrainer.Outcome result = null;
            while (result == null) {
                try {
                    current = coordination.enter(current, rebuild);
                    run = current;
                    current.agent().distributeOver(coordination.collective());
                    checkpointing = checkpointing(coordination);
                    PpoTrainer trainer = new PpoTrainer(current.agent(), current.environment(), current.random(),
                            current.progress(), properties.maxEnvironmentSteps(),
                            coordination.localSolvedThreshold(properties.solvedThreshold()),
                            new UpdateListener(current.agent(), coordination, checkpointing));
                    result = trainer.run(() -> stopRequested || coordination.solvedTogether());
                } catch (RuntimeException e) {
                    if (stopRequested || !coordination.breaksTheWorld(e)) {
                        throw e;
                    }
                    // nothing of the broken update is kept: back to the last state every replica held
                    current = coordination.recover(e, current, rebuild);
                    run = current;
                }
            }
            outcome = switch (result) {
                case SOLVED -> TrainingStatus.SOLVED;
                case BUDGET_EXHAUSTED -> TrainingStatus.BUDGET_EXHAUSTED;
                case STOPPED -> coordination.solvedTogether() ? TrainingStatus.SOLVED : TrainingStatus.STOPPED;
            };
            coordination.ended();
        } catch (RuntimeException e) {
            if (stopRequested && (e instanceof CollectiveException || coordination.waitsForTheWorld())) {
                // stopped while the world formed or re-formed (the wait was interrupted, or the world closed)
                Thread.interrupted();
                log.info("Training stopped while the replicas' world formed: {}", e.getMessage());
                coordination.ended();
                outcome = TrainingStatus.STOPPED;
            } else {
                outcome = failed(e, coordination);
            }
        } catch (Error e) {
            outcome = failed(e, coordination);
        }
        endNanos = System.nanoTime();
        TrainingProgress progress = current.progress();
        if (outcome != TrainingStatus.FAILED) {
            checkpointing.atEnd(current.agent(), progress);
        }
        status = outcome;
        log.info("Training {} after {} episodes, {} environment steps, {} updates, {} s: mean return over the last"
                + " 100 episodes {}", outcome, progress.episodes(), progress.environmentSteps(), progress.updates(),
                String.format("%.1f", elapsedSeconds()), String.format("%.1f", progress.meanReturn100()));
        if (properties.exitWhenDone() && outcome != TrainingStatus.STOPPED) {
            int code = switch (outcome) {
                case SOLVED -> 0;
                case BUDGET_EXHAUSTED -> EXIT_BUDGET_EXHAUSTED;
                default -> EXIT_FAILED;
            };
            // exit from a thread of its own: closing the context stops this service, which joins this thread
            Thread exiter = new Thread(() -> exit.accept(code), "ppo-training-exit");
            // not a daemon (it would inherit that from this thread): the JVM must not end, with status 0,
            // when the web server's threads stop before System.exit is reached
            exiter.setDaemon(false);
            exiter.start();
        }
    }

    private TrainingStatus failed(Throwable e, ReplicaCoordination coordination) {
        log.error("Training failed", e);
        error = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (stopRequested) {
            // stopping (a rolling restart's SIGTERM): the process comes back, so the others wait for it
            coordination.failedWhileStopping(e);
        } else {
            coordination.failed(e);
        }
        return TrainingStatus.FAILED;
    }

    /** Checkpoints every {@code checkpoint-interval} updates, written by this replica if it is rank 0 now. */
    private Checkpointing checkpointing(ReplicaCoordination coordination) {
        return new Checkpointing(checkpoints, properties.checkpointInterval(), coordination.writesCheckpoints(),
                coordination.worldSize());
    }

    /** Asks the run to stop (ending a wait for the replicas' world) and waits for it (up to 30 s). */
    @Override
    public void stop() {
        stopRequested = true;
        Thread t = thread;
        if (t != null && replicas.waitsForTheWorld()) {
            // waiting for other replicas, possibly for minutes: end the wait now
            t.interrupt();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** The run's state now. */
    public TrainingSnapshot snapshot() {
        RunStart r = run;
        TrainingProgress p = r == null ? new TrainingProgress() : r.progress();
        PpoAgent a = r == null ? null : r.agent();
        List<TrainingSnapshot.OptimizerSnapshot> opts = a == null ? List.of()
                : List.of(optimizerSnapshot(a.policyOptimizer(), a.policyLearningRate()),
                        optimizerSnapshot(a.valueOptimizer(), a.valueLearningRate()));
        double last = recorder.lastReturn();
        return new TrainingSnapshot(status, p.episodes(), p.environmentSteps(), p.updates(), p.meanReturn100(),
                Double.isNaN(last) ? null : last, elapsedSeconds(), properties.solvedThreshold(),
                properties.maxEnvironmentSteps(), opts, r == null ? null : r.resumedFrom(), checkpoints.lastSaved(), error,
                replicas.snapshot());
    }

    private static TrainingSnapshot.OptimizerSnapshot optimizerSnapshot(Optimizer optimizer, double agentLr) {
        double norm = optimizer.lastGradientNorm();
        return new TrainingSnapshot.OptimizerSnapshot(optimizer.name(), optimizer.count(),
                StepForm.nextLearningRate(optimizer, agentLr), Double.isNaN(norm) ? null : norm,
                StepForm.appliesItsOwnRate(optimizer), optimizer.config().gradNormClip(),
                OptimizerDescriptor.StepKernel.of(optimizer.stepKernel()));
    }

    /** Where the run is. */
    public TrainingStatus status() {
        return status;
    }

    /** The agent, once built. */
    public @Nullable PpoAgent agent() {
        RunStart r = run;
        return r == null ? null : r.agent();
    }

    private double elapsedSeconds() {
        if (startNanos == 0) {
            return 0;
        }
        long end = status.isFinal() ? endNanos : System.nanoTime();
        return (end - startNanos) / 1e9;
    }

    /** After every episode and update: the dashboard's points, the replicas' checks and vote, checkpoints. */
    private final class UpdateListener implements TrainingListener {

        private final PpoAgent agent;
        private final ReplicaCoordination coordination;
        private final Checkpointing checkpointing;

        UpdateListener(PpoAgent agent, ReplicaCoordination coordination, Checkpointing checkpointing) {
            this.agent = agent;
            this.coordination = coordination;
            this.checkpointing = checkpointing;
        }

        @Override
        public void onEpisode(EpisodeStats episode) {
            recorder.onEpisode(episode);
        }

        @Override
        public void onUpdate(UpdateStats update, TrainingProgress p) {
            recorder.onUpdate(update, p);
            coordination.afterUpdate(agent, p, properties.solvedThreshold());
            checkpointing.afterUpdate(agent, p);
        }
    }
}
