package io.github.skrl4j.adam.internal.pipeline;

import org.jspecify.annotations.Nullable;

/**
 * Optax's {@code ScaleByAdamState} without the count, as the kernel reads and writes it: one array
 * per parameter tensor for {@code mu} and {@code nu}, and for AMSGrad one for {@code nu_max}.
 */
public final class AdamMoments {

    private final float[][] mu;
    private final float[][] nu;
    private final float @Nullable [][] nuMax;

    /** Zero moments for tensors of the given sizes; {@code nuMax} only with {@code amsgrad}. */
    public AdamMoments(int[] sizes, boolean amsgrad) {
        int n = sizes.length;
        mu = new float[n][];
        nu = new float[n][];
        nuMax = amsgrad ? new float[n][] : null;
        for (int i = 0; i < n; i++) {
            mu[i] = new float[sizes[i]];
            nu[i] = new float[sizes[i]];
            if (nuMax != null) {
                nuMax[i] = new float[sizes[i]];
            }
        }
    }

    /** First moments, by tensor. */
    public float[][] mu() {
        return mu;
    }

    /** Second moments, by tensor. */
    public float[][] nu() {
        return nu;
    }

    /** AMSGrad's running maximum of the bias-corrected second moment, by tensor; null without AMSGrad. */
    public float @Nullable [][] nuMax() {
        return nuMax;
    }

    /** True when {@link #nuMax()} is kept. */
    public boolean amsgrad() {
        return nuMax != null;
    }
}
