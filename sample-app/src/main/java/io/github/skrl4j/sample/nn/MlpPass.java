package io.github.skrl4j.sample.nn;

import io.github.skrl4j.adam.Tensors;

/**
 * One batch through an {@link Mlp}: {@link #forward} keeps every layer's activations, then
 * {@link #backward} turns the loss gradient with respect to the outputs into the gradient with
 * respect to every parameter.
 *
 * <p>Parameters and gradients are float32 (adam-core's storage); activations and sums are double,
 * so that the gradient of a mean over a mini-batch loses nothing to float rounding before it is
 * stored. A pass is reused across batches and allocates nothing after construction; it is for one
 * thread at a time.
 */
public final class MlpPass {

    private final Mlp mlp;
    private final int capacity;
    /** activations[0] is the input, activations[L] the linear output; hidden ones are after tanh. */
    private final double[][] activations;
    private final double[][] deltas;
    private final double[][] kernelGrads;
    private final double[][] biasGrads;
    private final Tensors gradients;
    // the gradient tensors' arrays by layer, resolved once (backward runs per mini-batch)
    private final float[][] kernelGradData;
    private final float[][] biasGradData;
    private int rows;

    MlpPass(Mlp mlp, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pass capacity must be >= 1, was " + capacity);
        }
        this.mlp = mlp;
        this.capacity = capacity;
        int layers = mlp.layerCount();
        this.activations = new double[layers + 1][];
        this.deltas = new double[layers + 1][];
        for (int l = 0; l <= layers; l++) {
            activations[l] = new double[capacity * mlp.size(l)];
            // no delta for the input layer: nothing upstream of it learns
            deltas[l] = l == 0 ? new double[0] : new double[capacity * mlp.size(l)];
        }
        this.kernelGrads = new double[layers][];
        this.biasGrads = new double[layers][];
        for (int l = 0; l < layers; l++) {
            kernelGrads[l] = new double[mlp.size(l) * mlp.size(l + 1)];
            biasGrads[l] = new double[mlp.size(l + 1)];
        }
        this.gradients = mlp.parameters().zerosLike();
        this.kernelGradData = new float[layers][];
        this.biasGradData = new float[layers][];
        for (int l = 0; l < layers; l++) {
            kernelGradData[l] = gradients.get(Mlp.kernelName(mlp.name(), l)).data();
            biasGradData[l] = gradients.get(Mlp.biasName(mlp.name(), l)).data();
        }
    }

    /**
     * Runs {@code rows} inputs, stored row by row in {@code inputs}, through the network.
     *
     * @return the outputs, row-major {@code rows x outputSize}; a view valid until the next forward
     */
    public double[] forward(float[] inputs, int rows) {
        int inSize = mlp.inputSize();
        if (rows < 1 || rows > capacity) {
            throw new IllegalArgumentException("batch of " + rows + " rows does not fit a pass of capacity "
                    + capacity);
        }
        if (inputs.length < rows * inSize) {
            throw new IllegalArgumentException("inputs hold " + inputs.length + " values, " + rows + " rows of "
                    + inSize + " need " + rows * inSize);
        }
        this.rows = rows;
        double[] in0 = activations[0];
        for (int k = 0; k < rows * inSize; k++) {
            in0[k] = inputs[k];
        }
        int layers = mlp.layerCount();
        for (int l = 0; l < layers; l++) {
            dense(l, activations[l], activations[l + 1], l < layers - 1);
        }
        return activations[layers];
    }

    private void dense(int layer, double[] in, double[] out, boolean tanh) {
        int n = mlp.size(layer);
        int o = mlp.size(layer + 1);
        float[] w = mlp.kernel(layer);
        float[] b = mlp.bias(layer);
        for (int r = 0; r < rows; r++) {
            int outRow = r * o;
            for (int j = 0; j < o; j++) {
                out[outRow + j] = b[j];
            }
            int inRow = r * n;
            for (int i = 0; i < n; i++) {
                double x = in[inRow + i];
                int wRow = i * o;
                for (int j = 0; j < o; j++) {
                    out[outRow + j] += x * w[wRow + j];
                }
            }
            if (tanh) {
                for (int j = 0; j < o; j++) {
                    out[outRow + j] = Math.tanh(out[outRow + j]);
                }
            }
        }
    }

    /**
     * Backpropagates the loss gradient with respect to the last {@link #forward}'s outputs.
     *
     * @param outputGradients row-major {@code rows x outputSize}: d loss / d output
     * @return the gradient with respect to every parameter, named like the parameters; overwritten
     *         by the next call
     */
    public Tensors backward(double[] outputGradients) {
        if (rows == 0) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        int layers = mlp.layerCount();
        System.arraycopy(outputGradients, 0, deltas[layers], 0, rows * mlp.outputSize());
        for (int l = layers - 1; l >= 0; l--) {
            int n = mlp.size(l);
            int o = mlp.size(l + 1);
            double[] in = activations[l];
            double[] delta = deltas[l + 1];
            double[] kGrad = kernelGrads[l];
            double[] bGrad = biasGrads[l];
            java.util.Arrays.fill(kGrad, 0);
            java.util.Arrays.fill(bGrad, 0);
            for (int r = 0; r < rows; r++) {
                int dRow = r * o;
                int inRow = r * n;
                for (int j = 0; j < o; j++) {
                    bGrad[j] += delta[dRow + j];
                }
                for (int i = 0; i < n; i++) {
                    double x = in[inRow + i];
                    int wRow = i * o;
                    for (int j = 0; j < o; j++) {
                        kGrad[wRow + j] += x * delta[dRow + j];
                    }
                }
            }
            if (l > 0) {
                // through the kernel, then through tanh: d tanh(z) / dz = 1 - tanh(z)^2
                float[] w = mlp.kernel(l);
                double[] prev = deltas[l];
                for (int r = 0; r < rows; r++) {
                    int dRow = r * o;
                    int inRow = r * n;
                    for (int i = 0; i < n; i++) {
                        int wRow = i * o;
                        double sum = 0;
                        for (int j = 0; j < o; j++) {
                            sum += delta[dRow + j] * w[wRow + j];
                        }
                        double a = in[inRow + i];
                        prev[inRow + i] = sum * (1 - a * a);
                    }
                }
            }
            store(kGrad, kernelGradData[l]);
            store(bGrad, biasGradData[l]);
        }
        return gradients;
    }

    private static void store(double[] source, float[] target) {
        for (int k = 0; k < source.length; k++) {
            target[k] = (float) source[k];
        }
    }

    /** Rows in the last forward pass. */
    public int rows() {
        return rows;
    }

    /** The largest batch this pass takes. */
    public int capacity() {
        return capacity;
    }
}
