/**
 * Data-parallel training in a Spring Boot service: with {@code adam-hazelcast} and Hazelcast on the
 * class path and {@code skrl.optim.adam.distributed.enabled=true},
 * {@link io.github.skrl4j.adam.spring.autoconfigure.DistributedAutoConfiguration} makes a
 * {@link io.github.skrl4j.adam.distributed.ReformingWorld} on the application's {@code HazelcastInstance}
 * and wraps it in a {@link io.github.skrl4j.adam.spring.distributed.DistributedTraining}, the application's
 * {@link io.github.skrl4j.adam.distributed.Collective}, that the meters, the {@code optimizers} endpoint and
 * health read; {@link io.github.skrl4j.adam.spring.distributed.FirstWorldFormation} forms its first world
 * once the context has started.
 */
@NullMarked
package io.github.skrl4j.adam.spring.distributed;

import org.jspecify.annotations.NullMarked;
