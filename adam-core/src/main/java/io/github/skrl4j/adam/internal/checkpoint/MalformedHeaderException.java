package io.github.skrl4j.adam.internal.checkpoint;

/**
 * A header that is not valid JSON, or not the JSON of a safetensors header; the message says what and where.
 *
 * <p>{@link HeaderJson#parse(String)} throws it; {@link SafeTensorsReader} turns it into a
 * {@code CheckpointException} naming the file, before anything of the file is used.
 */
final class MalformedHeaderException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedHeaderException(String message) {
        super(message);
    }
}
