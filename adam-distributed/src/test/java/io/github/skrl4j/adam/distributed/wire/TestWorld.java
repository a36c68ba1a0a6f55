package io.github.skrl4j.adam.distributed.wire;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** N endpoints on loopback formed into one world, each rank's formation on its own thread; closes them all. */
final class TestWorld implements AutoCloseable {

    final List<WireEndpoint> endpoints = new ArrayList<>();
    final List<PeerMesh> meshes = new ArrayList<>();
    final long worldId = ThreadLocalRandom.current().nextLong();

    TestWorld(int worldSize, WireOptions options) throws Exception {
        this(java.util.Collections.nCopies(worldSize, options));
    }

    /** A world of one rank per options (ranks may differ, e.g. in their TLS engines). */
    TestWorld(List<WireOptions> optionsByRank) throws Exception {
        int worldSize = optionsByRank.size();
        try {
            for (WireOptions options : optionsByRank) {
                endpoints.add(WireEndpoint.open(options));
            }
            List<InetSocketAddress> addresses = endpoints.stream().map(WireEndpoint::localAddress).toList();
            ExecutorService pool = Executors.newFixedThreadPool(worldSize);
            try {
                List<Future<PeerMesh>> forming = new ArrayList<>();
                for (int r = 0; r < worldSize; r++) {
                    int rank = r;
                    forming.add(pool.submit(() -> endpoints.get(rank).formWorld(rank, worldSize, worldId, addresses,
                            Duration.ofSeconds(20))));
                }
                for (Future<PeerMesh> f : forming) {
                    meshes.add(f.get(30, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    PeerMesh rank(int r) {
        return meshes.get(r);
    }

    WireEndpoint endpoint(int r) {
        return endpoints.get(r);
    }

    static long deadline(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    @Override
    public void close() {
        for (WireEndpoint e : endpoints) {
            e.close();
        }
    }
}
