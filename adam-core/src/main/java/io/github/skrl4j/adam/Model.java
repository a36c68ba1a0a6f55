package io.github.skrl4j.adam;

/**
 * Anything with parameters: the {@code model} (or {@code policy}) that skrl hands to
 * {@code optimizer.step(grad, model)}.
 *
 * <p>A functional interface, so a Kotlin or Java lambda {@code { params }} is a model, and
 * {@link Tensors} is one too (it returns itself).
 */
@FunctionalInterface
public interface Model {

    /** The model's current parameters; the optimizer writes into their {@link Tensor#data()} arrays. */
    Tensors parameters();
}
