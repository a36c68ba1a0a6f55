/**
 * The Spring-facing API of skrl4j's Adam: {@link io.github.skrl4j.adam.spring.OptimizerFactory} makes
 * optimizers from the {@code skrl.optim.adam.*} properties, and
 * {@link io.github.skrl4j.adam.spring.OptimizerRegistry} keeps every named optimizer so that metrics,
 * the Actuator endpoint and the health contributor see it. Nothing here depends on Actuator or
 * Micrometer; those bindings live in the {@code metrics} and {@code actuate} packages.
 */
@NullMarked
package io.github.skrl4j.adam.spring;

import org.jspecify.annotations.NullMarked;
