package io.github.skrl4j.adam.testing;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.util.SplittableRandom;

/**
 * A deterministic little training loop: a model, and a gradient for every step number. Public for
 * the checkpoint codec's own tests (package internal.checkpoint).
 */
public final class TrainingRun {

    private TrainingRun() {
    }

    /** Parameters of a small model with a matrix, a vector and a scalar; the same values every call. */
    public static Tensors model() {
        SplittableRandom random = new SplittableRandom(7);
        return Tensors.of(
                Tensor.of("policy/l0/kernel", values(random, 12, 1.0), 3, 4),
                Tensor.of("policy/l0/bias", values(random, 4, 0.1), 4),
                Tensor.of("log_std", values(random, 1, 0.5)));
    }

    /** The gradient of step {@code step}: depends only on the step and the parameters. */
    public static Tensors gradient(Tensors params, int step) {
        SplittableRandom random = new SplittableRandom(1000 + step);
        Tensor[] grads = new Tensor[params.size()];
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] g = new float[p.size()];
            for (int j = 0; j < g.length; j++) {
                // a pull towards zero plus noise, so that moments and parameters both evolve
                g[j] = (float) (0.5 * p.data()[j] + random.nextGaussian());
            }
            grads[i] = Tensor.of(p.name(), g, p.shape());
        }
        return Tensors.of(grads);
    }

    /** Takes steps {@code from} to {@code to - 1}; with {@code scale = false} each gets lr 1e-2 / (step + 1). */
    public static void steps(Optimizer optimizer, Tensors params, int from, int to) {
        for (int step = from; step < to; step++) {
            Tensors grad = gradient(params, step);
            if (optimizer.config().scale()) {
                optimizer.step(grad, params);
            } else {
                optimizer.step(grad, params, 1e-2 / (step + 1));
            }
        }
    }

    private static float[] values(SplittableRandom random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }
}
