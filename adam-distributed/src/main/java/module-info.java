/**
 * Synchronous data parallelism for skrl4j: the {@code Collective} API and the transport SPI. The
 * engine's package ({@code io.github.skrl4j.adam.distributed.internal}) is not exported.
 */
module io.github.skrl4j.adam.distributed {
    // the API speaks in adam-core's Tensors and OptimizerState
    requires transitive io.github.skrl4j.adam;
    requires static transitive org.jspecify;

    exports io.github.skrl4j.adam.distributed;
    exports io.github.skrl4j.adam.distributed.spi;
}
