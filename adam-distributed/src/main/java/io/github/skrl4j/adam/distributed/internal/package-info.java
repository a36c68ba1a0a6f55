/**
 * Not API: the collective engine (reduce-scatter and all-gather over a transport). Not exported by
 * the module; reached through {@link io.github.skrl4j.adam.distributed.spi.TransportCollectives}.
 */
@NullMarked
package io.github.skrl4j.adam.distributed.internal;

import org.jspecify.annotations.NullMarked;
