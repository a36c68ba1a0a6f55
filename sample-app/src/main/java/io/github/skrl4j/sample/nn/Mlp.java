package io.github.skrl4j.sample.nn;

import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fully connected network with tanh between layers and a linear output, as Flax's
 * {@code nn.Dense} stacks in skrl's examples. Its parameters are an adam-core {@link Tensors} named
 * {@code <name>/l<i>/kernel} (shape {@code [in, out]}, Flax's layout) and {@code <name>/l<i>/bias}
 * (shape {@code [out]}), so an {@link io.github.skrl4j.adam.Optimizer} can train it directly.
 *
 * <p>The network itself holds only the parameters; a {@link MlpPass} holds one batch's activations
 * and computes the backward pass.
 */
public final class Mlp implements Model {

    private final String name;
    private final int[] layerSizes;
    private final Tensors parameters;
    private final float[][] kernels;
    private final float[][] biases;

    private Mlp(String name, int[] layerSizes, Tensors parameters) {
        this.name = name;
        this.layerSizes = layerSizes;
        this.parameters = parameters;
        int layers = layerSizes.length - 1;
        this.kernels = new float[layers][];
        this.biases = new float[layers][];
        for (int l = 0; l < layers; l++) {
            Tensor kernel = parameters.get(kernelName(name, l));
            Tensor bias = parameters.get(biasName(name, l));
            if (!kernel.hasShape(layerSizes[l], layerSizes[l + 1]) || !bias.hasShape(layerSizes[l + 1])) {
                throw new IllegalArgumentException("network '" + name + "' layer " + l + ": expected kernel ["
                        + layerSizes[l] + ", " + layerSizes[l + 1] + "] and bias [" + layerSizes[l + 1] + "], got "
                        + kernel.shapeString() + " and " + bias.shapeString());
            }
            kernels[l] = kernel.data();
            biases[l] = bias.data();
        }
    }

    /**
     * A network with Flax's default initialisation: kernels LeCun-normal (truncated at two standard
     * deviations, variance {@code 1 / fan_in}), biases zero.
     *
     * @param name       the parameter-name prefix, e.g. {@code policy}
     * @param random     the generator the kernels are drawn from
     * @param layerSizes input size, hidden sizes, output size; e.g. {@code 4, 64, 64, 2}
     */
    public static Mlp initialize(String name, SplittableRandom random, int... layerSizes) {
        checkSizes(name, layerSizes);
        List<Tensor> tensors = new ArrayList<>();
        for (int l = 0; l < layerSizes.length - 1; l++) {
            int in = layerSizes[l];
            int out = layerSizes[l + 1];
            float[] kernel = new float[in * out];
            // jax.nn.initializers.lecun_normal: truncated normal rescaled so the variance is exactly 1/fan_in
            double std = Math.sqrt(1.0 / in) / 0.87962566103423978;
            for (int i = 0; i < kernel.length; i++) {
                kernel[i] = (float) (std * truncatedStandardNormal(random));
            }
            tensors.add(Tensor.of(kernelName(name, l), kernel, in, out));
            tensors.add(Tensor.zeros(biasName(name, l), out));
        }
        return new Mlp(name, layerSizes.clone(), Tensors.of(tensors));
    }

    /**
     * A network over existing parameters (e.g. loaded from a checkpoint); the tensors are used live.
     *
     * @throws IllegalArgumentException   if a tensor has the wrong shape
     * @throws java.util.NoSuchElementException if a tensor is missing
     */
    public static Mlp over(String name, Tensors parameters, int... layerSizes) {
        checkSizes(name, layerSizes);
        return new Mlp(name, layerSizes.clone(), parameters);
    }

    private static void checkSizes(String name, int[] layerSizes) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("network name must not be empty");
        }
        if (layerSizes.length < 2) {
            throw new IllegalArgumentException("network '" + name + "' needs at least an input and an output size");
        }
        for (int size : layerSizes) {
            if (size < 1) {
                throw new IllegalArgumentException("network '" + name + "': layer sizes must be >= 1, were "
                        + Arrays.toString(layerSizes));
            }
        }
    }

    private static double truncatedStandardNormal(SplittableRandom random) {
        while (true) {
            // Marsaglia polar method; rejection keeps values inside (-2, 2) as jax.random.truncated_normal does
            double u = 2 * random.nextDouble() - 1;
            double v = 2 * random.nextDouble() - 1;
            double s = u * u + v * v;
            if (s >= 1 || s == 0) {
                continue;
            }
            double z = u * Math.sqrt(-2 * Math.log(s) / s);
            if (z > -2 && z < 2) {
                return z;
            }
        }
    }

    /** The name of layer {@code layer}'s kernel: {@code <network>/l<layer>/kernel}. */
    public static String kernelName(String network, int layer) {
        return network + "/l" + layer + "/kernel";
    }

    /** The name of layer {@code layer}'s bias: {@code <network>/l<layer>/bias}. */
    public static String biasName(String network, int layer) {
        return network + "/l" + layer + "/bias";
    }

    /** The live parameters. */
    @Override
    public Tensors parameters() {
        return parameters;
    }

    /** The parameter-name prefix. */
    public String name() {
        return name;
    }

    /** A copy of the layer sizes, input first. */
    public int[] layerSizes() {
        return layerSizes.clone();
    }

    /** Number of weight layers. */
    public int layerCount() {
        return kernels.length;
    }

    /** Input size. */
    public int inputSize() {
        return layerSizes[0];
    }

    /** Output size. */
    public int outputSize() {
        return layerSizes[layerSizes.length - 1];
    }

    /** A workspace for forward and backward passes over batches of up to {@code capacity} rows. */
    public MlpPass newPass(int capacity) {
        return new MlpPass(this, capacity);
    }

    float[] kernel(int layer) {
        return kernels[layer];
    }

    float[] bias(int layer) {
        return biases[layer];
    }

    int size(int layer) {
        return layerSizes[layer];
    }
}
