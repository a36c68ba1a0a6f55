package io.github.skrl4j.adam.internal.checkpoint;

/**
 * One tensor's entry in a safetensors header: its name, dtype, shape and the byte range
 * {@code [begin, end)} of its values in the data section.
 */
record TensorEntry(String name, String dtype, int[] shape, long begin, long end) {

    /** Number of values the shape holds; may exceed an int, for a header that no Java array fits. */
    long valueCount() {
        long count = 1;
        for (int d : shape) {
            count *= d;
            if (count > Integer.MAX_VALUE) {
                return count;
            }
        }
        return count;
    }
}
