/**
 * Spring Boot auto-configuration: binds and validates {@code skrl.optim.adam.*}, and wires the
 * {@link io.github.skrl4j.adam.spring.OptimizerFactory}, the registry, the meters, the endpoint and
 * the health contributor, each behind its own condition. Listed in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}; never
 * component-scanned.
 */
@NullMarked
package io.github.skrl4j.adam.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
