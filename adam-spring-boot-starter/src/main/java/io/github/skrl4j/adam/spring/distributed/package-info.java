/**
 * Data-parallel training in a Spring Boot service: with {@code adam-hazelcast} and Hazelcast on the
 * class path and {@code skrl.optim.adam.distributed.enabled=true},
 * {@link io.github.skrl4j.adam.spring.autoconfigure.DistributedAutoConfiguration} forms a
 * {@link io.github.skrl4j.adam.distributed.Collective} on the application's {@code HazelcastInstance}
 * and wraps it in a {@link io.github.skrl4j.adam.spring.distributed.DistributedTraining} that the
 * meters, the {@code optimizers} endpoint and health read.
 */
@NullMarked
package io.github.skrl4j.adam.spring.distributed;

import org.jspecify.annotations.NullMarked;
