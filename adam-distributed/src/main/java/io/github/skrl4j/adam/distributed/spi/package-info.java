/**
 * The transport SPI: what a cluster module implements so that the collective engine can run over
 * it. A {@link io.github.skrl4j.adam.distributed.spi.Transport} carries point-to-point messages
 * between the ranks of a fixed world; a {@link io.github.skrl4j.adam.distributed.spi.Mailbox} is the
 * receiving end a transport can file arriving messages in;
 * {@link io.github.skrl4j.adam.distributed.spi.TransportCollectives#over} turns a transport into a
 * {@link io.github.skrl4j.adam.distributed.Collective}. Training code never needs this package.
 */
@NullMarked
package io.github.skrl4j.adam.distributed.spi;

import org.jspecify.annotations.NullMarked;
