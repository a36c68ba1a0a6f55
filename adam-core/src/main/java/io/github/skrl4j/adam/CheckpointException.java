package io.github.skrl4j.adam;

import java.nio.file.Path;

/**
 * A checkpoint could not be written, or a file could not be loaded: it is missing, unreadable,
 * corrupt, of a newer format, or does not fit the model. The message names the file and the
 * problem. A load that throws this has built nothing: there is never a partly loaded object.
 */
public class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Path file;

    /** An exception about {@code file}; the message is prefixed with the file's name. */
    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** An exception about {@code file} caused by {@code cause}; the message is prefixed with the file's name. */
    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that could not be written or loaded. */
    public Path file() {
        return file;
    }
}
