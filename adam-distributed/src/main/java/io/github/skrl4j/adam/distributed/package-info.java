/**
 * Synchronous data parallelism for skrl4j: N replicas each compute gradients on their own data,
 * average them with an all-reduce, and step identical optimizers, as skrl's
 * {@code broadcast_parameters} and {@code reduce_parameters} do across processes.
 *
 * <p>{@link io.github.skrl4j.adam.distributed.Collective} is what a training loop uses: rank, world
 * size, broadcast from rank 0, all-reduce (sum and mean) and a cross-replica divergence check. One
 * engine implements it over any transport of the
 * {@link io.github.skrl4j.adam.distributed.spi} package with one fixed reduction order, so that every
 * rank holds bit-identical results; {@link io.github.skrl4j.adam.distributed.LocalCollectives} runs N
 * ranks as threads of one JVM (for tests), and the {@code adam-hazelcast} module runs them across a
 * Hazelcast cluster. The optimizer itself (adam-core) knows nothing of this: a loop reduces, then
 * steps.
 */
@NullMarked
package io.github.skrl4j.adam.distributed;

import org.jspecify.annotations.NullMarked;
