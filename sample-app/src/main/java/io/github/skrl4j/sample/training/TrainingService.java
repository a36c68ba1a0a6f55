package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.sample.env.CartPole;
import io.github.skrl4j.sample.ppo.LearningRateAdapter;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.OptimizerSource;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.PpoSettings;
import io.github.skrl4j.sample.ppo.PpoTrainer;
import io.github.skrl4j.sample.ppo.TrainingListener;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import io.github.skrl4j.sample.ppo.UpdateStats;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
    private volatile @Nullable PpoAgent agent;
    private volatile TrainingProgress progress = new TrainingProgress();
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile boolean stopRequested;
    private volatile @Nullable String resumedFrom;
    private volatile @Nullable Thread thread;
    // data-parallel training (the distributed profile): null when this replica trains alone
    private volatile @Nullable Collective collective;
    private volatile boolean solvedTogether;
    private volatile @Nullable String parameterChecksum;
    private volatile @Nullable Boolean replicasConsistent;

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
     * each replica seeds its environment and sampling with {@code seed + rank}, starts from rank 0's
     * networks, averages every gradient, and after every update the replicas agree whether they have
     * solved (the mean of their mean returns reaches the threshold, every one having 100 episodes) and
     * compare parameter checksums. Only rank 0 writes checkpoints; resume every replica from the same one.
     */
    public void distributeOver(Collective replicas) {
        this.collective = replicas;
    }

    /** Builds the agent (fresh or from {@code resume-from}) and starts training on a background thread. */
    @Override
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        PpoSettings settings = properties.getPpo().toSettings();
        Collective replicas = collective;
        long seed = properties.getSeed() + (replicas == null ? 0 : replicas.rank());
        SplittableRandom master;
        PpoAgent built;
        if (properties.getResumeFrom() != null) {
            CheckpointStore.Restored restored = checkpoints.load(properties.getResumeFrom(), settings, restorer,
                    learningRateAdapter);
            built = restored.agent();
            progress = restored.progress();
            resumedFrom = restored.location().toString();
            // a resumed run draws from its own streams: reproducible for a given checkpoint and seed
            master = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (progress.updates() + 1)));
            master.split();
            log.info("Resuming from {} at {} episodes, {} steps, {} updates (mean return {})", resumedFrom,
                    progress.episodes(), progress.environmentSteps(), progress.updates(), progress.meanReturn100());
        } else {
            master = new SplittableRandom(seed);
            built = PpoAgent.create(settings, master.split(), optimizers, learningRateAdapter);
        }
        built.distributeOver(replicas);
        agent = built;
        CartPole env = new CartPole(master.nextLong());
        // replicas decide "solved" together after an update (CheckpointingListener), never alone mid-rollout
        double solvedThreshold = replicas == null ? properties.getSolvedThreshold() : Double.POSITIVE_INFINITY;
        PpoTrainer trainer = new PpoTrainer(built, env, master.split(), progress,
                properties.getMaxEnvironmentSteps(), solvedThreshold, new CheckpointingListener(built));
        startNanos = System.nanoTime();
        status = TrainingStatus.RUNNING;
        Thread t = new Thread(() -> run(trainer, built), "ppo-training");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run(PpoTrainer trainer, PpoAgent built) {
        Collective replicas = collective;
        log.info("Training PPO on CartPole-v1: seed {}, budget {} environment steps, solved at mean return {}",
                properties.getSeed() + (replicas == null ? 0 : replicas.rank()), properties.getMaxEnvironmentSteps(), properties.getSolvedThreshold());
        TrainingStatus outcome;
        try {
            if (replicas != null) {
                replicas.broadcast(built.policy().parameters());
                replicas.broadcast(built.value().parameters());
                log.info("Training data-parallel as rank {} of {}", replicas.rank(), replicas.worldSize());
            }
            PpoTrainer.Outcome result = trainer.run(() -> stopRequested || solvedTogether);
            outcome = switch (result) {
                case SOLVED -> TrainingStatus.SOLVED;
                case BUDGET_EXHAUSTED -> TrainingStatus.BUDGET_EXHAUSTED;
                case STOPPED -> solvedTogether ? TrainingStatus.SOLVED : TrainingStatus.STOPPED;
            };
        } catch (RuntimeException | Error e) {
            log.error("Training failed", e);
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            outcome = TrainingStatus.FAILED;
        }
        endNanos = System.nanoTime();
        if (outcome != TrainingStatus.FAILED && writesCheckpoints()) {
            try {
                checkpoints.save(built, progress);
            } catch (RuntimeException e) {
                log.error("Final checkpoint failed", e);
            }
        }
        status = outcome;
        log.info("Training {} after {} episodes, {} environment steps, {} updates, {} s: mean return over the last"
                + " 100 episodes {}", outcome, progress.episodes(), progress.environmentSteps(), progress.updates(),
                String.format("%.1f", elapsedSeconds()), String.format("%.1f", progress.meanReturn100()));
        if (properties.isExitWhenDone() && outcome != TrainingStatus.STOPPED) {
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

    /** Asks the run to stop and waits for it (up to 30 s). */
    @Override
    public void stop() {
        stopRequested = true;
        Thread t = thread;
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
        TrainingProgress p = progress;
        PpoAgent a = agent;
        List<TrainingSnapshot.OptimizerSnapshot> opts = a == null ? List.of()
                : List.of(optimizerSnapshot(a.policyOptimizer(), a.policyLearningRate()),
                        optimizerSnapshot(a.valueOptimizer(), Double.NaN));
        double last = recorder.lastReturn();
        Collective replicas = collective;
        TrainingSnapshot.Replica replica = replicas == null ? null : new TrainingSnapshot.Replica(replicas.rank(),
                replicas.worldSize(), parameterChecksum, replicasConsistent);
        return new TrainingSnapshot(status, p.episodes(), p.environmentSteps(), p.updates(), p.meanReturn100(),
                Double.isNaN(last) ? null : last, elapsedSeconds(), properties.getSolvedThreshold(),
                properties.getMaxEnvironmentSteps(), opts, resumedFrom, checkpoints.lastSaved(), error, replica);
    }

    private static TrainingSnapshot.OptimizerSnapshot optimizerSnapshot(Optimizer optimizer, double givenLr) {
        boolean scale = optimizer.config().scale();
        double lr;
        if (!scale) {
            lr = givenLr;
        } else if (optimizer.config().hasSchedule()) {
            lr = optimizer.config().learningRateSchedule().at(optimizer.count());
        } else {
            lr = optimizer.config().lr();
        }
        double norm = optimizer.lastGradientNorm();
        return new TrainingSnapshot.OptimizerSnapshot(optimizer.name(), optimizer.count(), lr,
                Double.isNaN(norm) ? null : norm, scale, optimizer.config().gradNormClip());
    }

    /** Where the run is. */
    public TrainingStatus status() {
        return status;
    }

    /** The agent, once built. */
    public @Nullable PpoAgent agent() {
        return agent;
    }

    /** Alone, or as rank 0 of the replicas: the others hold the same networks. */
    private boolean writesCheckpoints() {
        Collective replicas = collective;
        return replicas == null || replicas.rank() == 0;
    }

    /** Whether the replicas together have solved: every one has 100 episodes and their mean returns average the threshold. */
    private boolean solvedByAllReplicas(Collective replicas, TrainingProgress p) {
        // solved(-infinity) is true once the 100-episode window is full
        Tensors vote = Tensors.of(Tensor.of("vote", new float[] {p.solved(Double.NEGATIVE_INFINITY) ? 1 : 0,
                (float) p.meanReturn100()}, 2));
        replicas.allReduceMean(vote);
        float[] agreed = vote.get(0).data();
        return agreed[0] == 1f && agreed[1] >= properties.getSolvedThreshold();
    }

    /** Compares the CRC-32C of both networks' parameters across the replicas; a divergence fails the run. */
    private void checkReplicas(Collective replicas, PpoAgent built) {
        List<Tensor> both = new ArrayList<>(built.policy().parameters().asList());
        both.addAll(built.value().parameters().asList());
        DivergenceCheck check = replicas.checkDivergence(Tensors.of(both));
        parameterChecksum = Checksums.hex(check.localChecksum());
        replicasConsistent = check.consistent();
        if (!check.consistent()) {
            throw new IllegalStateException("replicas diverged: " + check);
        }
    }

    private double elapsedSeconds() {
        if (startNanos == 0) {
            return 0;
        }
        long end = status.isFinal() ? endNanos : System.nanoTime();
        return (end - startNanos) / 1e9;
    }

    /** Records for the dashboard and writes checkpoints every {@code checkpoint-interval} updates. */
    private final class CheckpointingListener implements TrainingListener {

        private final PpoAgent built;

        CheckpointingListener(PpoAgent built) {
            this.built = built;
        }

        @Override
        public void onEpisode(io.github.skrl4j.sample.ppo.EpisodeStats episode) {
            recorder.onEpisode(episode);
        }

        @Override
        public void onUpdate(UpdateStats update, TrainingProgress p) {
            recorder.onUpdate(update, p);
            Collective replicas = collective;
            if (replicas != null) {
                checkReplicas(replicas, built);
                solvedTogether = solvedByAllReplicas(replicas, p);
            }
            int interval = properties.getCheckpointInterval();
            if (interval > 0 && p.updates() % interval == 0 && writesCheckpoints()) {
                checkpoints.save(built, p);
            }
        }
    }
}
