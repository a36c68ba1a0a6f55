/**
 * The bulk data plane of data-parallel training: a mesh of persistent, authenticated connections
 * between the ranks of one world that carries chunks of floats (and a few longs) with bulk copies,
 * receives into caller-owned or reused buffers, bounds every length before reading it, and fails
 * every wait within its deadline or as soon as a peer aborts, leaves or is lost.
 *
 * <p>JDK only (blocking {@link java.nio.channels.SocketChannel}s with direct buffers; mutual TLS through
 * any {@link javax.net.ssl.SSLEngine} a {@link io.github.skrl4j.adam.distributed.wire.TlsEngines} gives: the
 * JDK's, or BoringSSL's from package {@code openssl} when the application adds netty-tcnative); see
 * docs/distributed.md (the data plane) for the design and its measurements. Start with {@link io.github.skrl4j.adam.distributed.wire.WireEndpoint}.
 */
@NullMarked
package io.github.skrl4j.adam.distributed.wire;

import org.jspecify.annotations.NullMarked;
