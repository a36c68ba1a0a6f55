package io.github.skrl4j.adam.distributed;

import io.github.skrl4j.adam.distributed.spi.Mailbox;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import io.github.skrl4j.adam.distributed.spi.Transport;
import io.github.skrl4j.adam.distributed.spi.TransportCollectives;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A world of N ranks inside one JVM, one {@link Collective} per rank, each to be driven by its own
 * thread: for tests of distributed training loops, and as the reference the cluster transports are
 * held to (it runs the same engine, {@link TransportCollectives#over}). Messages are copied as a network would copy
 * them; closing a rank's collective makes the others' operations that need it fail with
 * {@link CollectiveException.Reason#MEMBER_LEFT}.
 */
public final class LocalCollectives {

    private LocalCollectives() {
    }

    /** {@code worldSize} collectives, index = rank, with the default chunk size and timeout. */
    public static List<Collective> create(int worldSize) {
        return create(worldSize, TransportCollectives.DEFAULT_CHUNK_SIZE, TransportCollectives.DEFAULT_TIMEOUT);
    }

    /**
     * {@code worldSize} collectives, index = rank.
     *
     * @param chunkSize values per chunk (small values exercise chunks that span tensors)
     * @param timeout   how long an operation waits for the other ranks
     */
    public static List<Collective> create(int worldSize, int chunkSize, Duration timeout) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be >= 1, was " + worldSize);
        }
        Hub hub = new Hub(worldSize);
        List<Collective> ranks = new ArrayList<>(worldSize);
        for (int r = 0; r < worldSize; r++) {
            ranks.add(TransportCollectives.over(new LocalTransport(hub, r), chunkSize, timeout));
        }
        return List.copyOf(ranks);
    }

    private static final class Hub {
        final Mailbox[] mailboxes;

        Hub(int worldSize) {
            mailboxes = new Mailbox[worldSize];
            Arrays.setAll(mailboxes, r -> new Mailbox());
        }

        void close(int rank) {
            mailboxes[rank].fail(new CollectiveException(CollectiveException.Reason.CLOSED, "rank " + rank
                    + " closed"));
        }
    }

    private static final class LocalTransport implements Transport {
        private final Hub hub;
        private final int rank;

        LocalTransport(Hub hub, int rank) {
            this.hub = hub;
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int worldSize() {
            return hub.mailboxes.length;
        }

        @Override
        public void sendFloats(int toRank, MessageKind kind, long sequence, int chunk, float[] data, int offset,
                int length) {
            requireWhole();
            hub.mailboxes[toRank].deliverFloats(rank, kind, sequence, chunk,
                    Arrays.copyOfRange(data, offset, offset + length));
        }

        @Override
        public void sendLongs(int toRank, MessageKind kind, long sequence, long[] values) {
            requireWhole();
            hub.mailboxes[toRank].deliverLongs(rank, kind, sequence, values.clone());
        }

        private void requireWhole() {
            CollectiveException failure = hub.mailboxes[rank].failure();
            if (failure != null) {
                throw new CollectiveException(failure.reason(), "cannot send: " + failure.getMessage(), failure);
            }
        }

        @Override
        public void receiveFloats(int fromRank, MessageKind kind, long sequence, int chunk, float[] into, int offset,
                int length, long deadlineNanos) {
            hub.mailboxes[rank].takeFloats(rank, fromRank, kind, sequence, chunk, into, offset, length, deadlineNanos);
        }

        @Override
        public long[] receiveLongs(int fromRank, MessageKind kind, long sequence, long deadlineNanos) {
            return hub.mailboxes[rank].takeLongs(rank, fromRank, kind, sequence, deadlineNanos);
        }

        @Override
        public void close() {
            hub.close(rank);
        }
    }
}
