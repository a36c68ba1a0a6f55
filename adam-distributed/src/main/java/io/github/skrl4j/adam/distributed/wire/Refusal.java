package io.github.skrl4j.adam.distributed.wire;

/**
 * Why the data plane refused a connection or a frame; each refusal is counted
 * ({@link WireCounters#refused(Refusal)}) so that a starter can meter them.
 */
public enum Refusal {
    /** The TLS handshake failed: no client certificate, or one the SSL context does not trust. */
    TLS_HANDSHAKE,
    /** The connection did not open with this protocol's hello (wrong magic or version, or too short). */
    BAD_HELLO,
    /** The hello did not arrive within the handshake timeout. */
    HANDSHAKE_TIMEOUT,
    /** A hello or frame named a world this endpoint has not formed. */
    UNKNOWN_WORLD,
    /**
     * A hello claimed a rank that may not connect here (out of range, not lower than this rank, or
     * already connected), or a frame claimed another rank than its connection authenticated.
     */
    WRONG_RANK,
    /** A hello announced another world size or chunk size than this rank's. */
    SETTINGS_MISMATCH,
    /** A frame announced a payload longer than its kind allows (refused before reading or allocating it). */
    OVERSIZE,
    /** A frame of an unknown kind, or with a length that is not a whole number of values. */
    BAD_FRAME,
    /** A second frame for an (operation, chunk) whose first one is still waiting. */
    DUPLICATE,
    /** Too many connections were in their handshake at once. */
    TOO_MANY_PENDING
}
