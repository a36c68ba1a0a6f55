package io.github.skrl4j.adam.distributed.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every chunk of the flat vector, read where it is or gathered across tensors, holds the flat vector's values. */
class ChunkSourcesTest {

    private static Tensor counting(String name, int from, int size) {
        float[] data = new float[size];
        for (int i = 0; i < size; i++) {
            data[i] = from + i;
        }
        return Tensor.of(name, data, size);
    }

    @Test
    void everyChunkOfEverySizeHoldsTheFlatVectorsValues() {
        // sizes 5, 0, 3, 0, 0, 7: empty tensors at the start of a chunk and between chunks
        Tensors tensors = Tensors.of(counting("a", 0, 5), counting("e1", 5, 0), counting("b", 5, 3),
                counting("e2", 8, 0), counting("e3", 8, 0), counting("c", 8, 7));
        ChunkSources sources = new ChunkSources();
        sources.reset(tensors);
        float[] staging = new float[15];
        for (int chunk = 1; chunk <= 15; chunk++) {
            for (int start = 0; start < 15; start += chunk) {
                int length = Math.min(chunk, 15 - start);
                float[] array = sources.chunk(start, length, staging);
                float[] got = Arrays.copyOfRange(array, sources.offset(), sources.offset() + length);
                float[] expected = new float[length];
                for (int i = 0; i < length; i++) {
                    expected[i] = start + i;
                }
                assertArrayEquals(expected, got, "chunk " + start + "+" + length);
            }
        }
    }

    @Test
    void aChunkWithinOneTensorIsReadInPlace() {
        Tensor big = counting("big", 0, 10);
        ChunkSources sources = new ChunkSources();
        sources.reset(Tensors.of(counting("small", 0, 2), big));
        assertSame(big.data(), sources.chunk(4, 6, new float[6]));
        assertArrayEquals(new int[] {2}, new int[] {sources.offset()});
    }
}
