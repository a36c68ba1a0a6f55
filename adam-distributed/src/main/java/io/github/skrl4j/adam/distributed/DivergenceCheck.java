package io.github.skrl4j.adam.distributed;

import java.util.Arrays;

/**
 * The result of {@link Collective#checkDivergence}: the CRC-32C of every rank's parameters, taken at
 * the same point of the run.
 *
 * @param sequence the collective operation's number on this rank (the same on every rank)
 * @param rank     this rank
 * @param checksums the CRC-32C of each rank's parameters, indexed by rank
 */
public record DivergenceCheck(long sequence, int rank, long[] checksums) {

    /** Copies {@code checksums}. */
    public DivergenceCheck {
        checksums = checksums.clone();
    }

    /** The checksums, indexed by rank (a copy). */
    @Override
    public long[] checksums() {
        return checksums.clone();
    }

    /** This rank's checksum. */
    public long localChecksum() {
        return checksums[rank];
    }

    /** True when every rank holds the same parameters as rank 0 (as far as a CRC-32C tells). */
    public boolean consistent() {
        for (long c : checksums) {
            if (c != checksums[0]) {
                return false;
            }
        }
        return true;
    }

    /** The ranks whose checksum differs from rank 0's. */
    public int[] divergentRanks() {
        return java.util.stream.IntStream.range(0, checksums.length).filter(r -> checksums[r] != checksums[0])
                .toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DivergenceCheck d && d.sequence == sequence && d.rank == rank
                && Arrays.equals(d.checksums, checksums);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + rank * 17 + Arrays.hashCode(checksums);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DivergenceCheck[sequence=").append(sequence).append(", rank=")
                .append(rank).append(", checksums=");
        for (int r = 0; r < checksums.length; r++) {
            sb.append(r == 0 ? "" : ",").append(Checksums.hex(checksums[r]));
        }
        return sb.append(consistent() ? ", consistent]" : ", DIVERGED]").toString();
    }
}
