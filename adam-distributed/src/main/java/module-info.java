/**
 * Synchronous data parallelism for skrl4j: the {@code Collective} API, the transport SPI and the
 * data plane ({@code wire}) transport modules carry gradients on. The
 * engine's package ({@code io.github.skrl4j.adam.distributed.internal}) is not exported.
 */
module io.github.skrl4j.adam.distributed {
    // the API speaks in adam-core's Tensors and OptimizerState
    requires transitive io.github.skrl4j.adam;
    requires static transitive org.jspecify;
    // optional: only package openssl (the native TLS engines) uses Netty, when the application adds it
    requires static io.netty.handler;
    requires static io.netty.buffer;

    exports io.github.skrl4j.adam.distributed;
    exports io.github.skrl4j.adam.distributed.spi;
    // the data plane: what a transport module (adam-hazelcast) forms worlds with
    exports io.github.skrl4j.adam.distributed.wire;
    // BoringSSL's TLS engines for the data plane (usable with netty-tcnative on the class path)
    exports io.github.skrl4j.adam.distributed.openssl;
}
