package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.sample.nn.Mlp;
import io.github.skrl4j.sample.ppo.LearningRateAdapter;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.PpoSettings;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints as folders {@code update-000010/} under one directory, each holding the two networks
 * ({@code policy.safetensors}, {@code value.safetensors}, via {@link Tensors#save}), the two
 * optimizers ({@code policy-optimizer.safetensors}, {@code value-optimizer.safetensors}, via
 * {@link Optimizer#save}) and {@code progress.properties} (counters, recent returns, the policy's
 * adapted learning rate, the world size: how many replicas trained the run).
 *
 * <p>A checkpoint is written into a temporary folder and renamed into place, so a crash mid-write
 * never leaves a checkpoint that looks complete. Reading refuses a folder with a missing or corrupt
 * file as a whole.
 */
public final class DirectoryCheckpointStore implements CheckpointStore {

    private static final Logger log = LoggerFactory.getLogger(DirectoryCheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("update-(\\d+)");
    private static final String PROGRESS = "progress.properties";
    private static final int FORMAT = 1;
    /** Optional in format 1: checkpoints written before it was recorded lack it. */
    private static final String WORLD_SIZE = "worldSize";

    private final Path directory;
    private volatile @Nullable String lastSaved;

    /** Checkpoints under {@code directory} (created on the first save). */
    public DirectoryCheckpointStore(Path directory) {
        this.directory = directory;
    }

    @Override
    public Path save(PpoAgent agent, TrainingProgress progress, int worldSize) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be >= 1, was " + worldSize);
        }
        Path target = directory.resolve(String.format("update-%06d", progress.updates()));
        Path temp = directory.resolve(".writing-" + target.getFileName() + "-" + System.nanoTime());
        try {
            Files.createDirectories(temp);
            agent.policy().parameters().save(temp.resolve("policy.safetensors"));
            agent.value().parameters().save(temp.resolve("value.safetensors"));
            agent.policyOptimizer().save(temp.resolve("policy-optimizer.safetensors"));
            agent.valueOptimizer().save(temp.resolve("value-optimizer.safetensors"));
            writeProgress(temp.resolve(PROGRESS), agent, progress, worldSize);
            if (Files.exists(target)) {
                // the final checkpoint of a run can share its update number with the last periodic one
                deleteRecursively(target);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("could not write checkpoint " + target, e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        lastSaved = target.toString();
        log.debug("Checkpoint written: {}", target);
        return target;
    }

    private static void writeProgress(Path file, PpoAgent agent, TrainingProgress progress, int worldSize)
            throws IOException {
        Properties p = new Properties();
        p.setProperty("format", Integer.toString(FORMAT));
        p.setProperty(WORLD_SIZE, Integer.toString(worldSize));
        p.setProperty("episodes", Long.toString(progress.episodes()));
        p.setProperty("environmentSteps", Long.toString(progress.environmentSteps()));
        p.setProperty("updates", Long.toString(progress.updates()));
        p.setProperty("policyLearningRate", Double.toString(agent.policyLearningRate()));
        StringBuilder returns = new StringBuilder();
        for (float r : progress.recentReturns()) {
            if (returns.length() > 0) {
                returns.append(',');
            }
            returns.append(r);
        }
        p.setProperty("recentReturns", returns.toString());
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "skrl4j sample: PPO on CartPole-v1 training progress");
        }
    }

    @Override
    public Restored load(Path from, PpoSettings settings, OptimizerRestorer optimizers,
            LearningRateAdapter learningRateAdapter) {
        Path checkpoint = resolve(from);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(checkpoint.resolve(PROGRESS))) {
            p.load(in);
        } catch (IOException e) {
            throw new CheckpointException(checkpoint.resolve(PROGRESS), "cannot be read: " + e.getMessage(), e);
        }
        try {
            if (Integer.parseInt(required(p, "format", checkpoint)) != FORMAT) {
                throw new CheckpointException(checkpoint.resolve(PROGRESS), "unknown progress format "
                        + p.getProperty("format"));
            }
            long episodes = Long.parseLong(required(p, "episodes", checkpoint));
            long steps = Long.parseLong(required(p, "environmentSteps", checkpoint));
            long updates = Long.parseLong(required(p, "updates", checkpoint));
            double policyLr = Double.parseDouble(required(p, "policyLearningRate", checkpoint));
            String list = required(p, "recentReturns", checkpoint);
            String[] parts = list.isEmpty() ? new String[0] : list.split(",");
            float[] returns = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {
                returns[i] = Float.parseFloat(parts[i]);
            }
            TrainingProgress progress = TrainingProgress.restore(episodes, steps, updates, returns);
            int worldSize = worldSize(p, checkpoint);

            Mlp policy = Mlp.over(PpoAgent.POLICY, Tensors.load(checkpoint.resolve("policy.safetensors")),
                    PpoAgent.policyLayers());
            Mlp value = Mlp.over(PpoAgent.VALUE, Tensors.load(checkpoint.resolve("value.safetensors")),
                    PpoAgent.valueLayers());
            Optimizer policyOptimizer = optimizers.restore(PpoAgent.POLICY, policy,
                    checkpoint.resolve("policy-optimizer.safetensors"));
            Optimizer valueOptimizer = optimizers.restore(PpoAgent.VALUE, value,
                    checkpoint.resolve("value-optimizer.safetensors"));
            PpoAgent agent = new PpoAgent(settings, policy, value, policyOptimizer, valueOptimizer,
                    learningRateAdapter, policyLr);
            return new Restored(agent, progress, checkpoint, worldSize);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException(checkpoint, "is not a usable checkpoint: " + e.getMessage(), e);
        }
    }

    private static int worldSize(Properties p, Path checkpoint) {
        String v = p.getProperty(WORLD_SIZE);
        if (v == null) {
            return UNKNOWN_WORLD_SIZE;
        }
        int size = Integer.parseInt(v.trim());
        if (size < 1) {
            throw new CheckpointException(checkpoint.resolve(PROGRESS), "has world size " + size + ", must be >= 1");
        }
        return size;
    }

    private static String required(Properties p, String key, Path checkpoint) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new CheckpointException(checkpoint.resolve(PROGRESS), "has no '" + key + "'");
        }
        return v.trim();
    }

    /** A checkpoint folder as given, or the newest complete one in a folder of checkpoints. */
    private static Path resolve(Path from) {
        if (Files.isRegularFile(from.resolve(PROGRESS))) {
            return from;
        }
        if (!Files.isDirectory(from)) {
            throw new CheckpointException(from.toAbsolutePath(), "no checkpoint at this path: not a folder");
        }
        try (Stream<Path> children = Files.list(from)) {
            return children.filter(c -> NAME.matcher(c.getFileName().toString()).matches())
                    .filter(c -> Files.isRegularFile(c.resolve(PROGRESS)))
                    .max(Comparator.comparingLong(DirectoryCheckpointStore::updateNumber))
                    .orElseThrow(() -> new CheckpointException(from.toAbsolutePath(), "no checkpoint at this path:"
                            + " neither a checkpoint folder nor a folder holding update-NNNNNN checkpoints"));
        } catch (IOException e) {
            throw new CheckpointException(from, "cannot be listed: " + e.getMessage(), e);
        }
    }

    private static long updateNumber(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    @Override
    public @Nullable String lastSaved() {
        return lastSaved;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path root) {
        try {
            if (Files.exists(root)) {
                deleteRecursively(root);
            }
        } catch (IOException e) {
            log.warn("could not remove the unfinished checkpoint {}", root, e);
        }
    }
}
