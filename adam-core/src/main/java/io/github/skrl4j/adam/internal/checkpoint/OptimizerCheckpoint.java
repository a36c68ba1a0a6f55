package io.github.skrl4j.adam.internal.checkpoint;

import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.COUNT_KEY;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.FORMAT_KEY;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.MU;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.NAME_KEY;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.NU;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.NU_MAX;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.OPTIMIZER_FORMAT;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.TENSORS_FORMAT;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer's values as a safetensors file: tensors {@code mu/<name>}, {@code nu/<name>} and,
 * with AMSGrad, {@code nu_max/<name>}; in the metadata the kind of file and format version, the
 * optimizer's name, its {@link AdamSettings} (see {@link SettingsMetadata}) and the count, all
 * covered by the file's {@link ContentChecksum}.
 */
public final class OptimizerCheckpoint {

    private OptimizerCheckpoint() {
    }

    /**
     * Writes an optimizer's values atomically. The tensors' arrays are read while writing: pass
     * copies that nothing changes meanwhile.
     *
     * @param settings written without its schedule, of which only the description is kept
     * @throws CheckpointException naming the file if it cannot be written (the previous file stays)
     */
    public static void write(Path file, String name, AdamSettings settings, long count, Moments moments) {
        Map<String, String> metadata = CheckpointFormat.metadataOf(OPTIMIZER_FORMAT);
        metadata.put(NAME_KEY, name);
        SettingsMetadata.write(settings, metadata);
        metadata.put(COUNT_KEY, Long.toString(count));

        List<Tensor> tensors = new ArrayList<>();
        // renamed views of the same arrays: the caller's copies are not copied again
        for (Tensor t : moments.mu()) {
            tensors.add(Tensor.of(MU + t.name(), t.data(), t.shape()));
        }
        for (Tensor t : moments.nu()) {
            tensors.add(Tensor.of(NU + t.name(), t.data(), t.shape()));
        }
        for (Tensor t : moments.nuMax()) {
            tensors.add(Tensor.of(NU_MAX + t.name(), t.data(), t.shape()));
        }
        SafeTensorsWriter.write(file, tensors, metadata);
    }

    /**
     * Reads and checks an optimizer file: its checksum, kind, version, name, settings and count. The
     * moments are matched to a model's parameters afterwards, by {@link SavedOptimizer#momentsFor}.
     *
     * @throws CheckpointException naming the file and the first problem found
     */
    public static SavedOptimizer read(Path file) {
        SafeTensorsReader.Contents contents = SafeTensorsReader.read(file, true);
        Map<String, String> metadata = contents.metadata();
        String format = CheckpointFormat.required(file, metadata, FORMAT_KEY);
        if (!format.equals(OPTIMIZER_FORMAT)) {
            throw new CheckpointException(file, "is not an optimizer checkpoint: " + FORMAT_KEY + " is '" + format
                    + "', expected '" + OPTIMIZER_FORMAT + "'"
                    + (format.equals(TENSORS_FORMAT) ? "; read a tensors file with Tensors.load(file)" : ""));
        }
        CheckpointFormat.checkVersion(file, metadata);
        String name = CheckpointFormat.required(file, metadata, NAME_KEY);
        AdamSettings settings = SettingsMetadata.read(file, metadata);
        String countText = CheckpointFormat.required(file, metadata, COUNT_KEY);
        long count;
        try {
            count = Long.parseLong(countText);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "metadata '" + COUNT_KEY + "' is not an integer: '" + countText + "'");
        }
        if (count < 0) {
            throw new CheckpointException(file, "metadata '" + COUNT_KEY + "' is negative: " + count);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Tensor t : contents.tensors()) {
            tensors.put(t.name(), t);
        }
        return new SavedOptimizer(file, name, settings, SettingsMetadata.scheduleDescription(metadata), count,
                tensors);
    }
}
