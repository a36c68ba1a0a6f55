package io.github.skrl4j.adam.internal.checkpoint;

/**
 * A header that is not valid JSON, or not the JSON of a safetensors header; the message says what and where.
 *
 * <p>Its own file because both sides of the header's parsing throw it: {@link StrictJsonReader} for
 * the syntax and {@link HeaderJson} for the schema. {@link SafeTensorsReader} turns it into a
 * {@code CheckpointException} naming the file, before anything of the file is used.
 */
final class MalformedHeaderException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedHeaderException(String message) {
        super(message);
    }
}
