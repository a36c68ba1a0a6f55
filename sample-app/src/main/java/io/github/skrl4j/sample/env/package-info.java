/**
 * The environment: CartPole-v1 with Gymnasium's dynamics, constants and time limit.
 */
@NullMarked
package io.github.skrl4j.sample.env;

import org.jspecify.annotations.NullMarked;
