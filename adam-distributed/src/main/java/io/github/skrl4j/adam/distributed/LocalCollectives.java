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

    /**
     * {@code worldSize} formations, index = rank, each to be driven by its own thread: every round of
     * {@link WorldFormation#form} calls, one per rank, forms a fresh world of {@link #create} collectives
     * (a rank that does not call in time fails its own call with {@code TIMEOUT}). For tests of training
     * loops that re-form their world ({@link ReformingWorld}); ranks are configured (rank = index).
     */
    public static List<WorldFormation> formations(int worldSize, int chunkSize, Duration timeout) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be >= 1, was " + worldSize);
        }
        Rounds rounds = new Rounds(worldSize, chunkSize, timeout);
        List<WorldFormation> formations = new ArrayList<>(worldSize);
        for (int r = 0; r < worldSize; r++) {
            int rank = r;
            formations.add(new WorldFormation() {
                @Override
                public int worldSize() {
                    return worldSize;
                }

                @Override
                public int configuredRank() {
                    return rank;
                }

                @Override
                public Collective form(Duration formTimeout) {
                    return rounds.form(rank, formTimeout);
                }

                @Override
                public void giveUp(String reason) {
                    rounds.giveUp(rank, reason);
                }

                @Override
                public void close() {
                    rounds.leave(rank);
                }

                @Override
                public String toString() {
                    return "LocalFormation[rank " + rank + " of " + worldSize + "]";
                }
            });
        }
        return List.copyOf(formations);
    }

    /** The rounds of formation: when every rank has called, the round's world is created and handed out. */
    private static final class Rounds {
        private final int worldSize;
        private final int chunkSize;
        private final Duration timeout;
        private final boolean[] waiting;
        private final boolean[] closed;
        private final String[] gaveUp;
        private long round;
        private List<Collective> world = List.of();

        Rounds(int worldSize, int chunkSize, Duration timeout) {
            this.worldSize = worldSize;
            this.chunkSize = chunkSize;
            this.timeout = timeout;
            this.waiting = new boolean[worldSize];
            this.closed = new boolean[worldSize];
            this.gaveUp = new String[worldSize];
        }

        synchronized Collective form(int rank, Duration formTimeout) {
            if (closed[rank]) {
                throw new CollectiveException(CollectiveException.Reason.CLOSED, "rank " + rank + "'s formation is closed");
            }
            if (waiting[rank]) {
                throw new IllegalStateException("rank " + rank + " is already forming a world");
            }
            requireNoneGaveUp(rank);
            waiting[rank] = true;
            long mine = round;
            int arrived = 0;
            for (boolean w : waiting) {
                arrived += w ? 1 : 0;
            }
            if (arrived == worldSize) {
                world = create(worldSize, chunkSize, timeout);
                Arrays.fill(waiting, false);
                round++;
                notifyAll();
                return world.get(rank);
            }
            long deadline = System.nanoTime() + formTimeout.toNanos();
            try {
                while (round == mine) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed[rank]) {
                        waiting[rank] = false;
                        throw new CollectiveException(closed[rank] ? CollectiveException.Reason.CLOSED
                                : CollectiveException.Reason.TIMEOUT, "rank " + rank + ": not every rank came to form"
                                + " the world within " + formTimeout);
                    }
                    wait(Math.max(1, left / 1_000_000), 0);
                    if (round == mine && anotherGaveUp(rank) >= 0) {
                        waiting[rank] = false;
                        requireNoneGaveUp(rank);
                    }
                }
            } catch (InterruptedException e) {
                waiting[rank] = false;
                Thread.currentThread().interrupt();
                throw new CollectiveException(CollectiveException.Reason.INTERRUPTED, "rank " + rank
                        + ": interrupted while forming the world", e);
            }
            return world.get(rank);
        }

        synchronized void leave(int rank) {
            closed[rank] = true;
            notifyAll();
        }

        /** {@code rank} gave up for good: the others' formations fail at once, naming it. */
        synchronized void giveUp(int rank, String reason) {
            if (!closed[rank]) {
                gaveUp[rank] = reason;
            }
            leave(rank);
        }

        private int anotherGaveUp(int rank) {
            for (int r = 0; r < gaveUp.length; r++) {
                if (r != rank && gaveUp[r] != null) {
                    return r;
                }
            }
            return -1;
        }

        private void requireNoneGaveUp(int rank) {
            int other = anotherGaveUp(rank);
            if (other >= 0) {
                throw new CollectiveException(CollectiveException.Reason.GAVE_UP, "rank " + other + " gave up for good ("
                        + gaveUp[other] + "): the world cannot form without it");
            }
        }
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
