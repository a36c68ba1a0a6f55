package io.github.skrl4j.adam;

import java.util.Objects;

/**
 * Optax's Adam state as values: the step count and the moments, each a {@link Tensors} named like
 * the model's parameters. Returned by {@link Optimizer#state()} as a deep copy, and accepted by
 * {@link Optimizer#restore(Adam, Model, OptimizerState)} to continue a run.
 */
public final class OptimizerState {

    private final long count;
    private final Tensors mu;
    private final Tensors nu;
    private final Tensors nuMax;

    private OptimizerState(long count, Tensors mu, Tensors nu, Tensors nuMax) {
        this.count = count;
        this.mu = mu;
        this.nu = nu;
        this.nuMax = nuMax;
    }

    /**
     * A state from its parts (kept, not copied).
     *
     * @param count steps taken, {@code >= 0}
     * @param mu    first moments
     * @param nu    second moments, with the names and shapes of {@code mu}
     * @param nuMax AMSGrad's running maximum of the bias-corrected second moment, with the names and
     *              shapes of {@code mu}; {@link Tensors#empty()} without AMSGrad
     * @throws IllegalArgumentException if the parts do not fit together
     */
    public static OptimizerState of(long count, Tensors mu, Tensors nu, Tensors nuMax) {
        Objects.requireNonNull(mu, "mu");
        Objects.requireNonNull(nu, "nu");
        Objects.requireNonNull(nuMax, "nuMax");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        requireSameLayout("nu", mu, nu);
        if (!nuMax.isEmpty()) {
            requireSameLayout("nuMax", mu, nuMax);
        }
        return new OptimizerState(count, mu, nu, nuMax);
    }

    private static void requireSameLayout(String what, Tensors mu, Tensors other) {
        if (!mu.names().equals(other.names())) {
            throw new IllegalArgumentException(what + " names " + other.names() + " differ from mu names " + mu.names());
        }
        for (int i = 0; i < mu.size(); i++) {
            if (!mu.get(i).hasShapeOf(other.get(i))) {
                throw new IllegalArgumentException(what + " '" + other.get(i).name() + "' has shape "
                        + other.get(i).shapeString() + " but mu has " + mu.get(i).shapeString());
            }
        }
    }

    /** Steps taken. */
    public long count() {
        return count;
    }

    /** First moments (Optax's {@code mu}). */
    public Tensors mu() {
        return mu;
    }

    /** Second moments (Optax's {@code nu}). */
    public Tensors nu() {
        return nu;
    }

    /** AMSGrad's {@code nu_max}; empty when AMSGrad is off. */
    public Tensors nuMax() {
        return nuMax;
    }

    @Override
    public String toString() {
        return "OptimizerState[count=" + count + ", " + mu.names() + (nuMax.isEmpty() ? "" : ", amsgrad") + "]";
    }
}
