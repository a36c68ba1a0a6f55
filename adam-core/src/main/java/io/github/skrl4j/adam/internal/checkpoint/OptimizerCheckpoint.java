package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.LearningRateSchedule;
import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Optimizer} as a safetensors file: tensors {@code mu/<name>}, {@code nu/<name>} and, with
 * AMSGrad, {@code nu_max/<name>}; the settings, the count and the format version in the metadata,
 * covered by the file's CRC-32C (see {@link SafeTensors}). Doubles are written with
 * {@link Double#toString(double)}, which reads back to the same bits (in Java and in Python).
 */
public final class OptimizerCheckpoint {

    static final String FORMAT_KEY = "skrl4j.format";
    static final String VERSION_KEY = "skrl4j.formatVersion";
    static final String OPTIMIZER_FORMAT = "adam-optimizer";
    static final String TENSORS_FORMAT = "tensors";
    /** The format version written; files of a higher version are refused. */
    static final int VERSION = 1;

    static final String MU = "mu/";
    static final String NU = "nu/";
    static final String NU_MAX = "nu_max/";
    /** Describes a schedule that was in use; present only then, and not loadable (code is not data). */
    static final String SCHEDULE_KEY = "lrSchedule";

    private OptimizerCheckpoint() {
    }

    /** The implementation of {@link Optimizer#save(Path)}. */
    public static void save(Optimizer optimizer, Path file) {
        Adam config = optimizer.config();
        OptimizerState state = optimizer.state();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, OPTIMIZER_FORMAT);
        metadata.put(VERSION_KEY, Integer.toString(VERSION));
        metadata.put("name", config.name());
        metadata.put("lr", Double.toString(config.lr()));
        LearningRateSchedule schedule = config.learningRateSchedule();
        if (schedule != null) {
            metadata.put(SCHEDULE_KEY, String.valueOf(schedule));
        }
        metadata.put("gradNormClip", Double.toString(config.gradNormClip()));
        metadata.put("scale", Boolean.toString(config.scale()));
        metadata.put("b1", Double.toString(config.b1()));
        metadata.put("b2", Double.toString(config.b2()));
        metadata.put("eps", Double.toString(config.eps()));
        metadata.put("epsRoot", Double.toString(config.epsRoot()));
        metadata.put("weightDecay", Double.toString(config.weightDecay()));
        metadata.put("amsgrad", Boolean.toString(config.amsgrad()));
        metadata.put("nesterov", Boolean.toString(config.nesterov()));
        metadata.put("nonFinite", config.nonFinitePolicy().name());
        metadata.put("count", Long.toString(state.count()));

        List<Tensor> tensors = new ArrayList<>();
        // the state is already a copy: share its arrays instead of copying again
        for (Tensor t : state.mu()) {
            tensors.add(Tensor.of(MU + t.name(), t.data(), t.shape()));
        }
        for (Tensor t : state.nu()) {
            tensors.add(Tensor.of(NU + t.name(), t.data(), t.shape()));
        }
        for (Tensor t : state.nuMax()) {
            tensors.add(Tensor.of(NU_MAX + t.name(), t.data(), t.shape()));
        }
        SafeTensors.write(file, tensors, metadata);
    }

    /**
     * The implementation of {@link Optimizer#load(Path, Model)} ({@code customizer} null) and
     * {@link Optimizer#loadWith(Path, Model, UnaryOperator)}.
     */
    public static Optimizer load(Path file, Model model, @Nullable UnaryOperator<Adam.Builder> customizer) {
        Tensors params = model.parameters();
        SafeTensors.Contents contents = SafeTensors.read(file, true);
        Map<String, String> metadata = contents.metadata();
        String format = required(file, metadata, FORMAT_KEY);
        if (!format.equals(OPTIMIZER_FORMAT)) {
            throw new CheckpointException(file, "is not an optimizer checkpoint: " + FORMAT_KEY + " is '" + format
                    + "', expected '" + OPTIMIZER_FORMAT + "'");
        }
        checkVersion(file, metadata);
        Adam saved = settings(file, metadata);
        long count = parseLong(file, metadata, "count");
        if (count < 0) {
            throw new CheckpointException(file, "metadata 'count' is negative: " + count);
        }
        String schedule = metadata.get(SCHEDULE_KEY);
        if (schedule != null && customizer == null) {
            throw new CheckpointException(file, "was saved by an optimizer with the learning-rate schedule "
                    + schedule + ", which a file cannot hold; supply it with Optimizer.loadWith(file, model,"
                    + " settings -> settings.lr(schedule))");
        }
        Adam config = saved;
        if (customizer != null) {
            Adam.Builder builder = customizer.apply(saved.toBuilder());
            if (builder == null) {
                throw new NullPointerException("the settings customizer returned null");
            }
            config = builder.build();
        }
        OptimizerState state = state(file, contents.tensors(), params, count, config.amsgrad());
        try {
            return Optimizer.restore(config, model, state);
        } catch (IllegalArgumentException e) {
            // the layout against the model, or moment values no run can produce
            throw new CheckpointException(file, "cannot be restored: " + e.getMessage(), e);
        }
    }

    /** Refuses a file of a newer format version; files without a version key are checked by the caller. */
    static void checkVersion(Path file, Map<String, String> metadata) {
        String text = required(file, metadata, VERSION_KEY);
        int version;
        try {
            version = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "metadata '" + VERSION_KEY + "' is not an integer: '" + text + "'");
        }
        if (version > VERSION) {
            throw new CheckpointException(file, "has format version " + version + ", newer than version " + VERSION
                    + " that this skrl4j reads; load it with a newer skrl4j");
        }
        if (version < 1) {
            throw new CheckpointException(file, "has an invalid format version " + version);
        }
    }

    private static Adam settings(Path file, Map<String, String> m) {
        Adam.Builder b = Adam.builder()
                .name(required(file, m, "name"))
                .lr(parseDouble(file, m, "lr"))
                .gradNormClip(parseDouble(file, m, "gradNormClip"))
                .scale(parseBoolean(file, m, "scale"))
                .b1(parseDouble(file, m, "b1"))
                .b2(parseDouble(file, m, "b2"))
                .eps(parseDouble(file, m, "eps"))
                .epsRoot(parseDouble(file, m, "epsRoot"))
                .weightDecay(parseDouble(file, m, "weightDecay"))
                .amsgrad(parseBoolean(file, m, "amsgrad"))
                .nesterov(parseBoolean(file, m, "nesterov"));
        String policy = required(file, m, "nonFinite");
        try {
            b.nonFinitePolicy(NonFinitePolicy.valueOf(policy));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "metadata 'nonFinite' is '" + policy + "', expected one of "
                    + Arrays.toString(NonFinitePolicy.values()));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "holds invalid settings: " + e.getMessage(), e);
        }
    }

    /** The moments named like the model's parameters, each checked against its parameter's shape. */
    private static OptimizerState state(Path file, List<Tensor> tensors, Tensors params, long count, boolean amsgrad) {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            byName.put(t.name(), t);
        }
        List<Tensor> mu = new ArrayList<>(params.size());
        List<Tensor> nu = new ArrayList<>(params.size());
        List<Tensor> nuMax = new ArrayList<>(amsgrad ? params.size() : 0);
        for (Tensor p : params) {
            mu.add(moment(file, byName, MU, p));
            nu.add(moment(file, byName, NU, p));
            if (amsgrad) {
                nuMax.add(moment(file, byName, NU_MAX, p));
            }
        }
        if (!byName.isEmpty()) {
            throw new CheckpointException(file, "holds tensors " + byName.keySet() + " for which the model has no"
                    + " parameter" + (amsgrad ? "" : " or the settings (amsgrad = false) no use")
                    + "; the model's parameters are " + params.names());
        }
        return OptimizerState.of(count, Tensors.of(mu), Tensors.of(nu), Tensors.of(nuMax));
    }

    private static Tensor moment(Path file, Map<String, Tensor> byName, String prefix, Tensor param) {
        String name = prefix + param.name();
        Tensor t = byName.remove(name);
        if (t == null) {
            throw new CheckpointException(file, "has no tensor '" + name + "' for the model's parameter '"
                    + param.name() + "' " + param.shapeString());
        }
        if (!t.hasShapeOf(param)) {
            throw new CheckpointException(file, "tensor '" + name + "' has shape " + t.shapeString()
                    + " but the model's parameter '" + param.name() + "' has shape " + param.shapeString());
        }
        return Tensor.of(param.name(), t.data(), t.shape());
    }

    static String required(Path file, Map<String, String> metadata, String key) {
        String value = metadata.get(key);
        if (value == null) {
            throw new CheckpointException(file, "missing metadata '" + key + "'");
        }
        return value;
    }

    private static double parseDouble(Path file, Map<String, String> m, String key) {
        String text = required(file, m, key);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "metadata '" + key + "' is not a number: '" + text + "'");
        }
    }

    private static long parseLong(Path file, Map<String, String> m, String key) {
        String text = required(file, m, key);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "metadata '" + key + "' is not an integer: '" + text + "'");
        }
    }

    private static boolean parseBoolean(Path file, Map<String, String> m, String key) {
        String text = required(file, m, key);
        if (text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw new CheckpointException(file, "metadata '" + key + "' is '" + text + "', expected true or false");
    }
}
