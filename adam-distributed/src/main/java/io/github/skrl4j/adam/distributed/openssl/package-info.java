/**
 * The data plane's native TLS engines: BoringSSL through Netty's netty-tcnative, behind adam-distributed's
 * {@link io.github.skrl4j.adam.distributed.wire.TlsEngines}. Netty is an optional dependency of
 * adam-distributed: this package is usable when the application adds {@code io.netty:netty-handler} and
 * {@code io.netty:netty-tcnative-boringssl-static} (with its platform's classifier), and nothing else of
 * adam-distributed touches it.
 */
@NullMarked
package io.github.skrl4j.adam.distributed.openssl;

import org.jspecify.annotations.NullMarked;
