package io.github.skrl4j.adam.distributed;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A collective operation that did not complete on this rank. It guarantees that the operation
 * modified nothing here: results are gathered into a scratch buffer and copied into the caller's
 * tensors only once everything has arrived.
 *
 * <p>A failure breaks the {@link Collective} for good (the world is fixed per run): every later
 * operation fails with {@link Reason#BROKEN}. Continue with a new collective over the members that
 * are left, from a checkpoint.
 */
public class CollectiveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a collective operation failed. */
    public enum Reason {
        /** A rank of the world left (its member left the cluster, or it closed its collective). */
        MEMBER_LEFT,
        /** Not every rank took part within the timeout. */
        TIMEOUT,
        /** This rank's collective was closed. */
        CLOSED,
        /** The calling thread was interrupted while waiting. */
        INTERRUPTED,
        /** The ranks called with tensors of different layouts, or different operations. */
        MISMATCH,
        /** An earlier operation failed, so the world is no longer in lockstep. */
        BROKEN,
        /** The transport could not send or receive. */
        TRANSPORT,
        /**
         * A replica of the world gave up for good ({@link ReformingWorld#giveUp}: its own run failed and it
         * will not come back), so the world cannot re-form; the message names its rank, member and reason.
         */
        GAVE_UP
    }

    private final Reason reason;

    /** A failure for {@code reason}, with a message naming the operation and the rank concerned. */
    public CollectiveException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** A failure for {@code reason} caused by {@code cause}. */
    public CollectiveException(Reason reason, String message, @Nullable Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }
}
