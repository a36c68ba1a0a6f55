package io.github.skrl4j.adam.distributed.spi;

/**
 * What a message of the collective protocol is. A message is addressed by its sender, the
 * collective operation's sequence number, its kind and (for chunks of values) the chunk's index; the
 * kind decides the payload: floats (values of the tensors) or longs (headers, checksums, notices).
 */
public enum MessageKind {

    /**
     * The root's layout fingerprint, then (for an optimizer state) its count, ahead of a broadcast's values; or
     * the values of a broadcast of longs: longs.
     */
    BROADCAST_HEADER(Payload.LONGS, Operation.BROADCAST),
    /** One chunk of the root's values in a broadcast, to every other rank: floats. */
    BROADCAST_CHUNK(Payload.FLOATS, Operation.BROADCAST),
    /** A rank's values of one chunk in an all-reduce, to the chunk's owner: floats. */
    REDUCE_PART(Payload.FLOATS, Operation.ALL_REDUCE),
    /** The owner's reduced chunk in an all-reduce, to every other rank: floats. */
    REDUCED_CHUNK(Payload.FLOATS, Operation.ALL_REDUCE),
    /** A rank's parameter checksum in a divergence check, to every other rank: one long. */
    CHECKSUM(Payload.LONGS, Operation.DIVERGENCE_CHECK),
    /**
     * The sender left the world; the message's sequence is the last operation it took part in (no
     * payload: no longs).
     */
    LEAVE(Payload.LONGS, Operation.WORLD),
    /**
     * The sender's operation (the message's sequence) failed, so the receiver's will too: one long,
     * the ordinal of the sender's {@link io.github.skrl4j.adam.distributed.CollectiveException.Reason}
     * ({@link Mailbox#abortNotice}). A receiving {@link Mailbox} fails at once instead of waiting for
     * its timeout.
     */
    ABORT(Payload.LONGS, Operation.WORLD),
    /** A transport's own hand-shake while the world forms (sequence 0): longs of the transport's choosing. */
    HANDSHAKE(Payload.LONGS, Operation.WORLD),
    /**
     * A rank's whole vector in a one-hop all-reduce (a small one, within one chunk), to every other
     * rank, each of which sums all of them in rank order itself: floats.
     */
    REDUCE_WHOLE(Payload.FLOATS, Operation.ALL_REDUCE),
    /** A rank's value in an all-gather, to every other rank: one long. */
    GATHERED(Payload.LONGS, Operation.ALL_GATHER);

    /** What a message of a kind carries. */
    enum Payload {
        FLOATS, LONGS
    }

    /** Which collective operation sends a kind; messages of different operations under one sequence mean the ranks disagree. */
    enum Operation {
        BROADCAST, ALL_REDUCE, DIVERGENCE_CHECK, ALL_GATHER, WORLD
    }

    private static final MessageKind[] VALUES = values();

    private final Payload payload;
    private final Operation operation;

    MessageKind(Payload payload, Operation operation) {
        this.payload = payload;
        this.operation = operation;
    }

    /** True when a message of this kind carries floats, false when it carries longs. */
    public boolean carriesFloats() {
        return payload == Payload.FLOATS;
    }

    /** True for the kinds a collective operation exchanges, false for notices about the world (leave, abort, hand-shake). */
    public boolean belongsToAnOperation() {
        return operation != Operation.WORLD;
    }

    /** True when both kinds are exchanged by the same collective operation. */
    boolean sameOperation(MessageKind other) {
        return operation == other.operation;
    }

    /**
     * The kind a wire format's byte names ({@link #ordinal()}), for transports that decode messages.
     *
     * @throws IllegalArgumentException for a byte that names no kind
     */
    public static MessageKind ofOrdinal(int ordinal) {
        if (ordinal < 0 || ordinal >= VALUES.length) {
            throw new IllegalArgumentException("no message kind has the number " + ordinal);
        }
        return VALUES[ordinal];
    }
}
