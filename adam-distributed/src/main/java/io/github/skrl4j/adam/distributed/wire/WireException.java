package io.github.skrl4j.adam.distributed.wire;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Why a data-plane operation failed, and which ranks it concerns (the ranks waited for, the rank
 * that aborted or was lost). The first failure of a {@link PeerMesh} is final: every later wait on
 * that mesh fails with it.
 */
public final class WireException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** A deadline passed; {@link #ranks()} are the ranks whose data did not arrive (or did not take ours). */
        TIMEOUT,
        /** A rank aborted an operation and told this one ({@link #ranks()}: that rank). */
        ABORTED,
        /** The connection to a rank ended or failed without a goodbye. */
        PEER_LOST,
        /** A rank left the world (graceful goodbye) before the operation that waits for it. */
        MEMBER_LEFT,
        /** An authenticated peer sent a frame this rank refuses (see {@link Refusal}); its connection is dropped. */
        REFUSED,
        /** What arrived does not fit what the caller expects (a longer chunk, longs for floats). */
        MISMATCH,
        /** The mesh could not be formed: a peer refused the handshake or could not be reached. */
        FORMATION,
        /** This rank's mesh was closed. */
        CLOSED,
        /** The waiting thread was interrupted (its interrupt flag is kept). */
        INTERRUPTED
    }

    private final Reason reason;
    private final int[] ranks;
    private final @Nullable Refusal refusal;

    WireException(Reason reason, int[] ranks, String message, @Nullable Throwable cause) {
        this(reason, ranks, message, cause, null);
    }

    WireException(Reason reason, int[] ranks, String message, @Nullable Throwable cause, @Nullable Refusal refusal) {
        super(message, cause);
        this.reason = reason;
        this.ranks = ranks.clone();
        this.refusal = refusal;
    }

    WireException(Reason reason, int[] ranks, String message) {
        this(reason, ranks, message, null);
    }

    WireException(Reason reason, int rank, String message, Throwable cause) {
        this(reason, new int[] {rank}, message, cause);
    }

    WireException(Reason reason, int rank, String message) {
        this(reason, new int[] {rank}, message, null);
    }

    /** The kind of failure. */
    public Reason reason() {
        return reason;
    }

    /** The ranks this failure concerns, ascending; empty when none in particular. */
    public int[] ranks() {
        return ranks.clone();
    }

    /**
     * The peer's answer that ended a formation ({@link Reason#FORMATION}): e.g. {@link Refusal#SETTINGS_MISMATCH},
     * which no retry changes; {@code null} for any other failure.
     */
    public @Nullable Refusal refusal() {
        return refusal;
    }

    /** The same failure as seen by a later operation: {@code context} prefixed, cause and refusal kept. */
    WireException in(String context) {
        return new WireException(reason, ranks, context + ": " + getMessage(), this, refusal);
    }

    @Override
    public String toString() {
        return "WireException[" + reason + ", ranks " + Arrays.toString(ranks) + "]: " + getMessage();
    }
}
