package io.github.skrl4j.sample.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written backward pass against central finite differences of the forward pass. */
class MlpGradientTest {

    private static final int ROWS = 5;

    @Test
    void parametersAreNamedAndShapedLikeFlaxDenseLayers() {
        Mlp mlp = Mlp.initialize("policy", new SplittableRandom(1), 4, 64, 64, 2);
        assertThat(mlp.parameters().names()).containsExactly("policy/l0/kernel", "policy/l0/bias",
                "policy/l1/kernel", "policy/l1/bias", "policy/l2/kernel", "policy/l2/bias");
        assertThat(mlp.parameters().get("policy/l1/kernel").hasShape(64, 64)).isTrue();
        assertThat(mlp.parameters().get("policy/l2/kernel").hasShape(64, 2)).isTrue();
        assertThat(mlp.parameters().get("policy/l2/bias").data()).containsOnly(0f);
        assertThat(mlp.parameters().totalSize()).isEqualTo(4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2);
    }

    @Test
    void initialisationIsLecunNormalTruncatedAtTwoDeviations() {
        Mlp mlp = Mlp.initialize("value", new SplittableRandom(3), 64, 256, 1);
        float[] kernel = mlp.parameters().get("value/l0/kernel").data();
        double sum = 0;
        double sumSq = 0;
        double bound = 2 * Math.sqrt(1.0 / 64) / 0.87962566103423978;
        for (float w : kernel) {
            assertThat((double) Math.abs(w)).isLessThan(bound);
            sum += w;
            sumSq += w * w;
        }
        double mean = sum / kernel.length;
        double variance = sumSq / kernel.length - mean * mean;
        assertThat(mean).isCloseTo(0, within(0.01));
        assertThat(variance).isCloseTo(1.0 / 64, within(0.1 / 64));
    }

    @Test
    void sameSeedSameNetworkDifferentSeedDifferentNetwork() {
        Tensors a = Mlp.initialize("p", new SplittableRandom(9), 4, 8, 2).parameters();
        Tensors b = Mlp.initialize("p", new SplittableRandom(9), 4, 8, 2).parameters();
        Tensors c = Mlp.initialize("p", new SplittableRandom(10), 4, 8, 2).parameters();
        assertThat(a.contentEquals(b)).isTrue();
        assertThat(a.contentEquals(c)).isFalse();
    }

    @Test
    void forwardMatchesAHandComputedTwoLayerNetwork() {
        // 2 -> 2 (tanh) -> 1, written out: y = v . tanh(W^T x + b) + c
        Tensors params = Tensors.of(
                Tensor.of("n/l0/kernel", new float[] {0.5f, -1f, 2f, 0.25f}, 2, 2),
                Tensor.of("n/l0/bias", new float[] {0.1f, -0.2f}, 2),
                Tensor.of("n/l1/kernel", new float[] {1.5f, -0.5f}, 2, 1),
                Tensor.of("n/l1/bias", new float[] {0.3f}, 1));
        Mlp mlp = Mlp.over("n", params, 2, 2, 1);
        double[] out = mlp.newPass(1).forward(new float[] {1f, -2f}, 1);
        double h0 = Math.tanh(0.5 * 1 + 2 * -2 + 0.1);
        double h1 = Math.tanh(-1 * 1 + 0.25 * -2 - 0.2);
        assertThat(out[0]).isCloseTo(1.5 * h0 - 0.5 * h1 + 0.3, within(1e-7));
    }

    @Test
    void backwardMatchesFiniteDifferencesForEveryParameter() {
        SplittableRandom random = new SplittableRandom(5);
        Mlp mlp = Mlp.initialize("policy", random, 4, 64, 64, 2);
        // non-zero biases so their gradients are exercised away from the initial point
        for (Tensor t : mlp.parameters()) {
            if (t.name().endsWith("bias")) {
                for (int i = 0; i < t.size(); i++) {
                    t.data()[i] = (float) (0.2 * random.nextGaussian());
                }
            }
        }
        float[] inputs = randomFloats(random, ROWS * 4, 1.0);
        double[] targets = new double[ROWS * 2];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = random.nextGaussian();
        }

        // loss = 0.5 * sum (y - t)^2  =>  d loss / d y = y - t
        MlpPass pass = mlp.newPass(ROWS);
        double[] out = pass.forward(inputs, ROWS);
        double[] dOut = new double[ROWS * 2];
        for (int i = 0; i < dOut.length; i++) {
            dOut[i] = out[i] - targets[i];
        }
        Tensors grad = pass.backward(dOut).copy();

        MlpPass probe = mlp.newPass(ROWS);
        int checked = 0;
        for (Tensor p : mlp.parameters()) {
            float[] data = p.data();
            float[] g = grad.get(p.name()).data();
            for (int i = 0; i < data.length; i++) {
                float original = data[i];
                float up = original + 1e-3f;
                float down = original - 1e-3f;
                data[i] = up;
                double lossUp = squaredLoss(probe.forward(inputs, ROWS), targets);
                data[i] = down;
                double lossDown = squaredLoss(probe.forward(inputs, ROWS), targets);
                data[i] = original;
                double numeric = (lossUp - lossDown) / ((double) up - down);
                assertThat((double) g[i]).as("%s[%d]", p.name(), i)
                        .isCloseTo(numeric, within(1e-5 + 1e-4 * Math.abs(numeric)));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(mlp.parameters().totalSize());
    }

    @Test
    void gradientsAreSumsOverRowsSoABatchEqualsItsRowsAdded() {
        SplittableRandom random = new SplittableRandom(8);
        Mlp mlp = Mlp.initialize("value", random, 4, 16, 16, 1);
        float[] inputs = randomFloats(random, 3 * 4, 1.0);
        MlpPass batch = mlp.newPass(3);
        batch.forward(inputs, 3);
        Tensors together = batch.backward(new double[] {0.5, -1.0, 2.0}).copy();

        MlpPass single = mlp.newPass(1);
        Tensors sum = mlp.parameters().zerosLike();
        double[] weights = {0.5, -1.0, 2.0};
        for (int r = 0; r < 3; r++) {
            single.forward(java.util.Arrays.copyOfRange(inputs, r * 4, r * 4 + 4), 1);
            Tensors g = single.backward(new double[] {weights[r]});
            for (Tensor t : sum) {
                float[] s = t.data();
                float[] gi = g.get(t.name()).data();
                for (int i = 0; i < s.length; i++) {
                    s[i] += gi[i];
                }
            }
        }
        for (Tensor t : together) {
            assertThat(t.data()).containsExactly(sum.get(t.name()).data(), within(1e-5f));
        }
    }

    @Test
    void refusesBatchesBeyondCapacityAndBackwardBeforeForward() {
        Mlp mlp = Mlp.initialize("p", new SplittableRandom(1), 4, 8, 2);
        MlpPass pass = mlp.newPass(2);
        assertThatThrownBy(() -> pass.backward(new double[4])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pass.forward(new float[12], 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity 2");
        assertThatThrownBy(() -> Mlp.over("p", mlp.parameters(), 4, 9, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 0");
    }

    private static double squaredLoss(double[] out, double[] targets) {
        double loss = 0;
        for (int i = 0; i < targets.length; i++) {
            double d = out[i] - targets[i];
            loss += 0.5 * d * d;
        }
        return loss;
    }

    static float[] randomFloats(SplittableRandom random, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (scale * random.nextGaussian());
        }
        return out;
    }
}
