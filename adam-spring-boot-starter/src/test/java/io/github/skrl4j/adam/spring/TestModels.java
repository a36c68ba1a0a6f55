package io.github.skrl4j.adam.spring;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;

/** Small real models and gradients for the tests. */
public final class TestModels {

    private TestModels() {
    }

    /** Parameters {@code w = [1, 2]} and {@code b = 0.5}. */
    public static Tensors model() {
        return Tensors.of(Tensor.of("w", new float[] {1f, 2f}, 2), Tensor.of("b", new float[] {0.5f}));
    }

    /** A gradient for {@link #model()} with global norm {@code sqrt(0.3^2 + 0.4^2 + 1.2^2) = 1.3}. */
    public static Tensors gradient() {
        return Tensors.of(Tensor.of("w", new float[] {0.3f, 0.4f}, 2), Tensor.of("b", new float[] {1.2f}));
    }

    /** A gradient for {@link #model()} holding a NaN in {@code w[1]}. */
    public static Tensors nanGradient() {
        return Tensors.of(Tensor.of("w", new float[] {0.3f, Float.NaN}, 2), Tensor.of("b", new float[] {1.2f}));
    }
}
