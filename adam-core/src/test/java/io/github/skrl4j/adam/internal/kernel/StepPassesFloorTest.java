package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The floor check through the norm pass as the step runs it: chunks, their line-aligned heads and
 * the split across threads, so that a large tensor's update leaves out the flush as a small one's does.
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
            passes.sumOfSquares(grads);
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
                    passes.sumOfSquares(grads);
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
}
