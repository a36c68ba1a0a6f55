/**
 * adam-distributed's {@link io.github.skrl4j.adam.distributed.Collective} across the members of a Hazelcast
 * cluster: {@link io.github.skrl4j.adam.hazelcast.HazelcastCollectives#join} fixes the world (the
 * members at the start of the run), and the chunks of every reduction travel member to member as
 * executor tasks. See docs/distributed.md for the design and its limits.
 */
@NullMarked
package io.github.skrl4j.adam.hazelcast;

import org.jspecify.annotations.NullMarked;
