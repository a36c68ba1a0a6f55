/**
 * Actuator views of the registered optimizers: the read-only {@code optimizers} endpoint and the
 * {@code optimizers} health contributor.
 */
@NullMarked
package io.github.skrl4j.adam.spring.actuate;

import org.jspecify.annotations.NullMarked;
