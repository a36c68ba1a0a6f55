/**
 * The thin Micrometer binding: one set of {@code skrl.optim.adam.*} meters per registered optimizer,
 * fed by adam-core's {@link io.github.skrl4j.adam.StepListener}.
 */
@NullMarked
package io.github.skrl4j.adam.spring.metrics;

import org.jspecify.annotations.NullMarked;
