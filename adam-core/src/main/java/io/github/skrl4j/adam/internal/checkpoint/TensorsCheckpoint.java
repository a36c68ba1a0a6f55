package io.github.skrl4j.adam.internal.checkpoint;

import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.FORMAT_KEY;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.OPTIMIZER_FORMAT;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.TENSORS_FORMAT;

import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Named tensors as a safetensors file: the tensors in their order, with the kind of file and the
 * format version in the metadata, covered by the file's {@link ContentChecksum}. Reading also
 * takes files of Python's {@code safetensors}, which carry neither a checksum nor a format.
 */
public final class TensorsCheckpoint {

    private TensorsCheckpoint() {
    }

    /**
     * Writes the tensors atomically, in this order.
     *
     * @throws CheckpointException naming the file if it cannot be written (the previous file stays)
     */
    public static void write(Path file, List<Tensor> tensors) {
        SafeTensorsWriter.write(file, tensors, CheckpointFormat.metadataOf(TENSORS_FORMAT));
    }

    /**
     * Reads the tensors of a file, in the order of their data.
     *
     * @throws CheckpointException naming the file and the first problem found; an optimizer's file
     *                             is refused, naming the method that reads it
     */
    public static List<Tensor> read(Path file) {
        SafeTensorsReader.Contents contents = SafeTensorsReader.read(file, false);
        Map<String, String> metadata = contents.metadata();
        String format = CheckpointFormat.formatOf(metadata);
        if (OPTIMIZER_FORMAT.equals(format)) {
            throw new CheckpointException(file, "is an optimizer checkpoint (" + FORMAT_KEY + " '" + format
                    + "'), not tensors: load it with Optimizer.load(file, model)");
        }
        if (format != null) {
            CheckpointFormat.checkVersion(file, metadata);
        }
        return contents.tensors();
    }
}
