package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an optimizer file holds, read and checked by {@link OptimizerCheckpoint#read(Path)}: the
 * name, the settings (without a schedule, which a file cannot hold), the description of the
 * schedule that was in use, the count, and the moments, to be matched to a model's parameters.
 */
public final class SavedOptimizer {

    private final Path file;
    private final String name;
    private final AdamSettings settings;
    private final @Nullable String scheduleDescription;
    private final long count;
    private final Map<String, Tensor> tensors;

    SavedOptimizer(Path file, String name, AdamSettings settings, @Nullable String scheduleDescription, long count,
            Map<String, Tensor> tensors) {
        this.file = file;
        this.name = name;
        this.settings = settings;
        this.scheduleDescription = scheduleDescription;
        this.count = count;
        this.tensors = tensors;
    }

    /** The optimizer's name. */
    public String name() {
        return name;
    }

    /** The settings, with no schedule. */
    public AdamSettings settings() {
        return settings;
    }

    /** How the schedule in use when the file was written describes itself; null if there was none. */
    public @Nullable String scheduleDescription() {
        return scheduleDescription;
    }

    /** Steps taken. */
    public long count() {
        return count;
    }

    /**
     * The moments for {@code parameters}, matched by name and checked against their shapes, named
     * like them and in their order.
     *
     * @param amsgrad true to take AMSGrad's {@code nu_max} too (the settings the file is loaded with
     *                decide, not those it was saved with)
     * @throws CheckpointException naming a parameter the file has no moment for, a moment of another
     *                             shape, or moments left over that no parameter uses
     */
    public Moments momentsFor(List<Tensor> parameters, boolean amsgrad) {
        Map<String, Tensor> unused = new LinkedHashMap<>(tensors);
        List<Tensor> mu = new ArrayList<>(parameters.size());
        List<Tensor> nu = new ArrayList<>(parameters.size());
        List<Tensor> nuMax = new ArrayList<>(amsgrad ? parameters.size() : 0);
        for (Tensor p : parameters) {
            mu.add(moment(unused, CheckpointFormat.MU, p));
            nu.add(moment(unused, CheckpointFormat.NU, p));
            if (amsgrad) {
                nuMax.add(moment(unused, CheckpointFormat.NU_MAX, p));
            }
        }
        if (!unused.isEmpty()) {
            List<String> names = new ArrayList<>(parameters.size());
            for (Tensor p : parameters) {
                names.add(p.name());
            }
            throw new CheckpointException(file, "holds tensors " + unused.keySet() + " for which the model has no"
                    + " parameter" + (amsgrad ? "" : " or the settings (amsgrad = false) no use")
                    + "; the model's parameters are " + names);
        }
        return new Moments(mu, nu, nuMax);
    }

    private Tensor moment(Map<String, Tensor> unused, String prefix, Tensor param) {
        String momentName = prefix + param.name();
        Tensor t = unused.remove(momentName);
        if (t == null) {
            throw new CheckpointException(file, "has no tensor '" + momentName + "' for the model's parameter '"
                    + param.name() + "' " + param.shapeString());
        }
        if (!t.hasShapeOf(param)) {
            throw new CheckpointException(file, "tensor '" + momentName + "' has shape " + t.shapeString()
                    + " but the model's parameter '" + param.name() + "' has shape " + param.shapeString());
        }
        return Tensor.of(param.name(), t.data(), t.shape());
    }
}
