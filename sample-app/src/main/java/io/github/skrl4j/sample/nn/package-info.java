/**
 * The networks: small tanh MLPs whose parameters are adam-core {@link io.github.skrl4j.adam.Tensors},
 * with hand-written forward and backward passes, and the categorical distribution of the policy.
 */
@NullMarked
package io.github.skrl4j.sample.nn;

import org.jspecify.annotations.NullMarked;
