package io.github.skrl4j.adam.distributed.internal;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.util.Arrays;

/**
 * Where a chunk of the flat vector is in the caller's tensors: a chunk within one tensor is read where it
 * is (no copy of the whole vector before sending or summing it), a chunk that spans tensors is gathered
 * into a staging buffer. Reused across operations; allocates only when a call has more tensors than any
 * before.
 */
final class ChunkSources {

    private float[][] arrays = new float[0][];
    /** {@code starts[i]}: the flat index of tensor i's first value; {@code starts[count]}: the total. */
    private long[] starts = new long[1];
    private int count;
    private int offset;

    /** Takes {@code tensors}' arrays and their places in the flat vector. */
    void reset(Tensors tensors) {
        int n = tensors.size();
        if (arrays.length < n) {
            arrays = new float[n][];
            starts = new long[n + 1];
        }
        long at = 0;
        for (int i = 0; i < n; i++) {
            Tensor t = tensors.get(i);
            arrays[i] = t.data();
            starts[i] = at;
            at += t.size();
        }
        starts[n] = at;
        Arrays.fill(arrays, n, arrays.length, null);
        count = n;
    }

    /**
     * The array holding the flat vector's {@code [start, start + length)}, at {@link #offset()}: a
     * tensor's own array, or {@code staging} (from 0) when the chunk spans tensors.
     */
    float[] chunk(int start, int length, float[] staging) {
        int t = tensorAt(start);
        long inTensor = start - starts[t];
        if (start + (long) length <= starts[t + 1]) {
            offset = (int) inTensor;
            return arrays[t];
        }
        int written = 0;
        while (written < length) {
            int from = (int) (start + written - starts[t]);
            int n = (int) Math.min(length - written, starts[t + 1] - starts[t] - from);
            System.arraycopy(arrays[t], from, staging, written, n);
            written += n;
            t++;
        }
        offset = 0;
        return staging;
    }

    /** The offset of the last {@link #chunk} in the array it returned. */
    int offset() {
        return offset;
    }

    /** The tensor holding flat index {@code index} (the last of equal starts: empty tensors are skipped). */
    private int tensorAt(long index) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
