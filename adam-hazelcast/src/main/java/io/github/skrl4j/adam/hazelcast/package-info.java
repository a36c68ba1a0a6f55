/**
 * adam-distributed's {@link io.github.skrl4j.adam.distributed.Collective} across the members of a Hazelcast
 * cluster: {@link io.github.skrl4j.adam.hazelcast.HazelcastCollectives#join} forms one world through the
 * cluster, {@link io.github.skrl4j.adam.hazelcast.HazelcastCollectives#formation} forms worlds one after
 * another (a new one each time the last broke), and the chunks of every reduction travel on
 * adam-distributed's data plane (persistent, optionally mutual-TLS connections between the ranks).
 * See docs/distributed.md for the design, its threat model and its limits.
 */
@NullMarked
package io.github.skrl4j.adam.hazelcast;

import org.jspecify.annotations.NullMarked;
