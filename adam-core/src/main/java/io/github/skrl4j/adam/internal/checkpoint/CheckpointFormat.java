package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.CheckpointException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The names and numbers of the file format, in one place: the safetensors layout's own (dtype,
 * metadata key, header limit) and the metadata keys that skrl4j adds (checksum, kind of file and
 * format version), with the version check that every reader applies.
 */
final class CheckpointFormat {

    /** The only dtype read and written: float32, little-endian. */
    static final String DTYPE = "F32";
    /** The header entry that holds the string-to-string metadata instead of a tensor. */
    static final String METADATA_KEY = "__metadata__";
    /** The reference implementation's limit on the header (100 MB); larger is garbage. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The prefix of the metadata keys that this library writes. */
    static final String OWN_PREFIX = "skrl4j.";
    /** The CRC-32C over the file's contents (see {@link ContentChecksum}). */
    static final String CHECKSUM_KEY = OWN_PREFIX + "crc32c";
    /** What the file holds: {@link #OPTIMIZER_FORMAT} or {@link #TENSORS_FORMAT}. */
    static final String FORMAT_KEY = OWN_PREFIX + "format";
    static final String VERSION_KEY = OWN_PREFIX + "formatVersion";
    static final String OPTIMIZER_FORMAT = "adam-optimizer";
    static final String TENSORS_FORMAT = "tensors";
    /** The format version written; files of a higher version are refused. */
    static final int VERSION = 1;

    /** The prefixes of an optimizer file's tensors: each moment is named like its parameter after them. */
    static final String MU = "mu/";
    static final String NU = "nu/";
    static final String NU_MAX = "nu_max/";
    /** An optimizer file's name and count; its settings' keys are their names in {@code AdamSettings}. */
    static final String NAME_KEY = "name";
    static final String COUNT_KEY = "count";

    private CheckpointFormat() {
    }

    /** The metadata that every file of ours starts with: the kind of file and the version. */
    static Map<String, String> metadataOf(String format) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, format);
        metadata.put(VERSION_KEY, Integer.toString(VERSION));
        return metadata;
    }

    /** The kind of file the metadata says it is; null for a file by another writer. */
    static @Nullable String formatOf(Map<String, String> metadata) {
        return metadata.get(FORMAT_KEY);
    }

    /**
     * Refuses a file of a newer (or an invalid) format version.
     *
     * @throws CheckpointException also if the version is missing
     */
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

    /** The value of {@code key}; a file without it is refused, naming the key. */
    static String required(Path file, Map<String, String> metadata, String key) {
        String value = metadata.get(key);
        if (value == null) {
            throw new CheckpointException(file, "missing metadata '" + key + "'");
        }
        return value;
    }
}
