/**
 * Internal, not API: may change in any release without notice. Optax's update for one step as the
 * pipeline skrl builds, {@code clip_by_global_norm} then {@code scale_by_adam} (or
 * {@code scale_by_amsgrad}), {@code add_decayed_weights} and {@code scale_by_learning_rate}, over an
 * optimizer's moment arrays. The stages keep their Optax names here even though the kernel fuses
 * the last three into one pass per tensor.
 */
@NullMarked
package io.github.skrl4j.adam.internal.pipeline;

import org.jspecify.annotations.NullMarked;
