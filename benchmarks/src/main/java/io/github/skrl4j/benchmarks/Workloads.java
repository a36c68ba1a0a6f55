package io.github.skrl4j.benchmarks;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;

/**
 * The benchmark cases' data, shared by the skrl4j and the peer benchmarks. Values follow
 * adam_ref.c: parameters {@code 0.01 * (i % 97)}, gradients {@code 1e-3 * ((i % 13) - 6.5)} (no
 * zeros, so that no moment decays).
 */
public final class Workloads {

    /** 16,777,216 parameters: 64 MiB of floats per array, far beyond any cache. */
    public static final int LARGE = 16_777_216;

    /** skrl's PPO policy MLP for a 4-dim observation and 2 actions: 4x64, 64, 64x64, 64, 64x2, 2. */
    public static final int[][] POLICY_SHAPES = {{4, 64}, {64}, {64, 64}, {64}, {64, 2}, {2}};

    /** 4,610. */
    public static final int POLICY_SIZE = 4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2;

    private Workloads() {
    }

    public static float param(long i) {
        return 0.01f * (float) (i % 97);
    }

    public static float grad(long i) {
        return 1e-3f * ((float) (i % 13) - 6.5f);
    }

    /** {@code count} tensors of {@code size} elements, named t0, t1, ... */
    public static Tensors equalTensors(int count, int size, boolean gradients) {
        Tensor[] ts = new Tensor[count];
        long offset = 0;
        for (int t = 0; t < count; t++) {
            ts[t] = tensor("t" + t, new int[] {size}, offset, gradients);
            offset += size;
        }
        return Tensors.of(ts);
    }

    /** The policy's tensors, named like a flax MLP's parameters. */
    public static Tensors policy(boolean gradients) {
        Tensor[] ts = new Tensor[POLICY_SHAPES.length];
        long offset = 0;
        for (int l = 0; l < POLICY_SHAPES.length; l++) {
            int[] shape = POLICY_SHAPES[l];
            String name = "net/layer" + (l / 2) + (shape.length == 2 ? "/kernel" : "/bias");
            ts[l] = tensor(name, shape, offset, gradients);
            offset += size(shape);
        }
        return Tensors.of(ts);
    }

    private static Tensor tensor(String name, int[] shape, long offset, boolean gradients) {
        float[] data = new float[size(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = gradients ? grad(offset + i) : param(offset + i);
        }
        return Tensor.of(name, data, shape);
    }

    public static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
