package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The floor check through the norm pass as the step runs it: chunks, their line-aligned heads and
 * the split across threads, so that a large tensor's update leaves out the flush as a small one's does;
 * with the floor check of short ranges pooled per pass (and done again range by range where the pool
 * finds a gradient at or below the floor), each tensor is still judged on its own gradients.
 */
class StepPassesFloorTest {

    private static final int[] SIZES = {2 * StepPasses.CHUNK + 17, StepPasses.CHUNK, 4_096, 300, 40, 2};

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void everyTensorWhoseGradientsAreAllAboveTheFloorIsFoundSoAndOnlyThose(int parallelism) {
        Object owner = new Object();
        StepPasses passes = new StepPasses(owner, "floor", SIZES, parallelism, 10_000, ScalarAdamKernel.INSTANCE);
        try {
            Random r = new Random(parallelism);
            float[][] grads = new float[SIZES.length][];
            for (int t = 0; t < SIZES.length; t++) {
                grads[t] = new float[SIZES[t]];
                for (int i = 0; i < SIZES[t]; i++) {
                    grads[t][i] = (float) Math.scalb(1 + r.nextDouble(), r.nextInt(40) - 30) * (r.nextBoolean() ? 1 : -1);
                }
            }
            assertThat(passes.sumOfSquares(grads)).isEqualTo(chunkByChunk(grads));
            for (int t = 0; t < SIZES.length; t++) {
                assertThat(passes.aboveFloor(t)).as("tensor %d", t).isTrue();
            }
            // one zero gradient: its tensor, and only that one, takes the flushing loops; in the first
            // elements of a chunk (its head before the first cache line), in the middle, at the end
            for (int t = 0; t < SIZES.length; t++) {
                for (int at : new int[] {0, 5, SIZES[t] / 2, SIZES[t] - 1}) {
                    if (at >= SIZES[t]) {
                        continue;
                    }
                    float kept = grads[t][at];
                    grads[t][at] = 0f;
                    // the pooled check fails and its chunks are summed again: the same sum
                    assertThat(passes.sumOfSquares(grads)).as("zero in tensor %d at %d", t, at)
                            .isEqualTo(chunkByChunk(grads));
                    for (int u = 0; u < SIZES.length; u++) {
                        assertThat(passes.aboveFloor(u)).as("zero in tensor %d at %d, tensor %d", t, at, u).isEqualTo(u != t);
                    }
                    grads[t][at] = kept;
                }
            }
        } finally {
            passes.close();
        }
        assertThat(owner).isNotNull();
    }

    /** The norm pass's sum from the kernel's calls on the same ranges, one scratch per call (nothing pooled). */
    private static double chunkByChunk(float[][] grads) {
        double total = 0;
        for (float[] g : grads) {
            for (int start = 0; start < g.length; start += StepPasses.CHUNK) {
                int end = Math.min(g.length, start + StepPasses.CHUNK);
                int head = end - start == StepPasses.CHUNK ? StepPasses.lineStart(start) : start;
                total += ScalarAdamKernel.INSTANCE.sumOfSquares(g, start, head, new NormScratch())
                        + ScalarAdamKernel.INSTANCE.sumOfSquares(g, head, end, new NormScratch());
            }
        }
        return total;
    }
}
