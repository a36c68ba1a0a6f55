package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.Tensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Tensors} as a safetensors file: the tensors in their order, with the skrl4j format and
 * version in the metadata, covered by the file's CRC-32C (see {@link SafeTensors}). Reading also
 * takes files of Python's {@code safetensors}, which carry neither a checksum nor a format.
 */
public final class TensorsCheckpoint {

    private TensorsCheckpoint() {
    }

    /** The implementation of {@link Tensors#save(Path)}. */
    public static void save(Path file, Tensors tensors) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(OptimizerCheckpoint.FORMAT_KEY, OptimizerCheckpoint.TENSORS_FORMAT);
        metadata.put(OptimizerCheckpoint.VERSION_KEY, Integer.toString(OptimizerCheckpoint.VERSION));
        SafeTensors.write(file, tensors.asList(), metadata);
    }

    /** The implementation of {@link Tensors#load(Path)}. */
    public static Tensors load(Path file) {
        SafeTensors.Contents contents = SafeTensors.read(file, false);
        if (contents.metadata().containsKey(OptimizerCheckpoint.FORMAT_KEY)) {
            OptimizerCheckpoint.checkVersion(file, contents.metadata());
        }
        return Tensors.of(contents.tensors());
    }
}
