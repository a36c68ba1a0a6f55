package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.testsupport.TestThreads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One endpoint per rank for several worlds in a row (a formation that re-forms keeps its listening
 * address), and a formation abandoned by its caller.
 */
@Timeout(60)
class WorldsInSequenceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theSameEndpointsFormOneWorldAfterAnother() throws Exception {
        try (TestWorld first = new TestWorld(2, WireOptions.builder().build())) {
            List<InetSocketAddress> addresses = first.endpoints.stream().map(WireEndpoint::localAddress).toList();
            first.rank(0).close();
            first.rank(1).close();

            long second = first.worldId + 1;
            CompletableFuture<PeerMesh> zero = CompletableFuture.supplyAsync(
                    () -> first.endpoint(0).formWorld(0, 2, second, addresses, WAIT), TestThreads.PER_TASK);
            PeerMesh one = first.endpoint(1).formWorld(1, 2, second, addresses, WAIT);
            PeerMesh rankZero = zero.get(30, TimeUnit.SECONDS);
            try {
                assertThat(rankZero.worldId()).isEqualTo(second);
                float[] sent = {1.5f, -2.25f};
                rankZero.send(1, 1, 0, sent, 0, 2, deadline(WAIT));
                float[] got = new float[2];
                assertThat(one.receive(0, 1, 0, got, 0, 2, deadline(WAIT))).isEqualTo(2);
                assertThat(got).containsExactly(sent);

                // abandoning another world's formation does nothing to this one
                first.endpoint(1).abandonFormation(first.worldId, "stale");
                assertThat(one.failure()).isNull();
            } finally {
                rankZero.close();
                one.close();
            }
        }
    }

    @Test
    void anAbandonedFormationFailsAtOnceNamingWhyAndTheEndpointFormsTheNext() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress(probe.getInetAddress(), probe.getLocalPort());
        }
        InetSocketAddress unreached = nobody;
        try (WireEndpoint endpoint = WireEndpoint.open(WireOptions.builder().build())) {
            List<InetSocketAddress> addresses = List.of(endpoint.localAddress(), unreached);
            // rank 0 keeps knocking at an address nobody listens on, until the caller learns better
            CompletableFuture<PeerMesh> forming = CompletableFuture.supplyAsync(
                    () -> endpoint.formWorld(0, 2, 42, addresses, Duration.ofSeconds(40)), TestThreads.PER_TASK);
            Thread.sleep(300);
            endpoint.abandonFormation(42, "the cluster's members changed");

            assertThatThrownBy(() -> forming.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(WireException.class, e -> {
                        assertThat(e.reason()).isEqualTo(WireException.Reason.FORMATION);
                        assertThat(e).hasMessageContaining("abandoned forming world 2a")
                                .hasMessageContaining("the cluster's members changed");
                    });

            // the abandoned mesh is gone: the endpoint forms a world of one at once
            try (PeerMesh alone = endpoint.formWorld(0, 1, 43, List.of(endpoint.localAddress()), WAIT)) {
                assertThat(alone.worldId()).isEqualTo(43);
            }
        }
    }
}
