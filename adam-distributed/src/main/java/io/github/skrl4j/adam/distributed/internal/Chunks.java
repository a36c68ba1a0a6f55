package io.github.skrl4j.adam.distributed.internal;

/**
 * How a flat vector of {@code total} values is cut into chunks of {@code chunkSize}: chunk {@code c} starts at
 * {@code c * chunkSize} and all are full but the last. The broadcast and the all-reduce cut the same way.
 */
final class Chunks {

    private Chunks() {
    }

    /** How many chunks {@code total} values make (0 for none). */
    static int count(int total, int chunkSize) {
        return (int) ((total + (long) chunkSize - 1) / chunkSize);
    }

    /** Where chunk {@code c} starts. */
    static int start(int c, int chunkSize) {
        return c * chunkSize;
    }

    /** How many values chunk {@code c} of {@code total} holds. */
    static int length(int c, int total, int chunkSize) {
        return Math.min(chunkSize, total - c * chunkSize);
    }
}
