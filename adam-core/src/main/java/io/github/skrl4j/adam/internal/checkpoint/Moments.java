package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.Tensor;
import java.util.List;

/**
 * Optax's moments as an optimizer file holds them, each tensor named like the parameter it belongs to.
 *
 * @param mu    first moments
 * @param nu    second moments
 * @param nuMax AMSGrad's running maximum of the bias-corrected second moment; empty without AMSGrad
 */
public record Moments(List<Tensor> mu, List<Tensor> nu, List<Tensor> nuMax) {

    /** Copies the lists (not the tensors). */
    public Moments {
        mu = List.copyOf(mu);
        nu = List.copyOf(nu);
        nuMax = List.copyOf(nuMax);
    }
}
