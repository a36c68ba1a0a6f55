package io.github.skrl4j.adam.distributed;

import java.util.Arrays;
import java.util.Objects;

/**
 * Which rank of a (re)formed world holds the newest state, so that every rank can take that state
 * from it ({@link Collective#broadcast(io.github.skrl4j.adam.Tensors, int)} and its siblings, with
 * {@link #rank()} as the root). Each rank offers the version of the state it holds: a number that
 * grows as training goes on (the sample offers its update count), {@link #NONE} when it holds nothing
 * (a replica restarted without a checkpoint). The newest is the largest; among equals the lowest rank,
 * so every rank elects the same one.
 *
 * <p>A replica should offer only a state every rank of its last world was seen to hold (a state after
 * a successful divergence check, say): then the elected state is one the whole old world agreed on,
 * never one a single rank stepped to on its own.
 *
 * @param rank     the rank holding the newest state (0 when no rank holds any)
 * @param version  its version, or {@link #NONE}
 * @param versions every rank's offer, indexed by rank
 */
public record NewestState(int rank, long version, long[] versions) {

    /** The version of a replica that holds no state. */
    public static final long NONE = -1;

    /** Checks the values and keeps a copy of {@code versions}. */
    public NewestState {
        Objects.requireNonNull(versions, "versions");
        if (rank < 0 || rank >= versions.length) {
            throw new IllegalArgumentException("rank " + rank + " is not one of " + versions.length + " ranks");
        }
        versions = versions.clone();
    }

    /**
     * Elects the newest state among the ranks' offers: an all-gather of {@code version}.
     *
     * @throws IllegalArgumentException if {@code version} is below {@link #NONE} (nothing is sent)
     * @throws CollectiveException      if the all-gather failed
     */
    public static NewestState elect(Collective collective, long version) {
        Objects.requireNonNull(collective, "collective");
        if (version < NONE) {
            throw new IllegalArgumentException("a state's version is >= 0, or NONE (-1); was " + version);
        }
        return of(collective.allGather(version));
    }

    /** The newest of {@code versions} (largest; among equals the lowest rank). */
    public static NewestState of(long[] versions) {
        if (versions.length == 0) {
            throw new IllegalArgumentException("no versions");
        }
        int newest = 0;
        for (int r = 1; r < versions.length; r++) {
            if (versions[r] > versions[newest]) {
                newest = r;
            }
        }
        return new NewestState(newest, Math.max(NONE, versions[newest]), versions);
    }

    /** True when some rank holds a state; false when every rank starts from nothing. */
    public boolean held() {
        return version != NONE;
    }

    /** Every rank's offer, indexed by rank (a copy). */
    @Override
    public long[] versions() {
        return versions.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NewestState other && rank == other.rank && version == other.version
                && Arrays.equals(versions, other.versions);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rank + Long.hashCode(version)) + Arrays.hashCode(versions);
    }

    @Override
    public String toString() {
        return held() ? "rank " + rank + "'s state (version " + version + ") of " + Arrays.toString(versions)
                : "no rank holds a state " + Arrays.toString(versions);
    }
}
