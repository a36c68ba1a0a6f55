package io.github.skrl4j.adam.distributed.internal;

import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.spi.Mailbox;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import io.github.skrl4j.adam.distributed.spi.Transport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A world of transports over real {@link Mailbox}es whose network misbehaves on demand: it records
 * every message, can deliver each one twice, can hold a rank's messages back and deliver them in
 * reverse order once that rank starts receiving, and can make a rank's n-th send fail.
 */
final class ScriptedWorld {

    /** One message as sent. */
    record Sent(int from, int to, MessageKind kind, long sequence, int chunk, int values) {
    }

    final Mailbox[] mailboxes;
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    volatile boolean duplicateEveryMessage;
    volatile boolean reverseEachBurst;
    volatile int failingRank = -1;
    volatile int failingSend = -1;

    ScriptedWorld(int worldSize) {
        mailboxes = new Mailbox[worldSize];
        Arrays.setAll(mailboxes, r -> new Mailbox());
    }

    Transport transport(int rank) {
        return new ScriptedTransport(rank);
    }

    List<Sent> sent(MessageKind kind) {
        return sent.stream().filter(s -> s.kind() == kind).toList();
    }

    private final class ScriptedTransport implements Transport {
        private final int rank;
        private final AtomicInteger sends = new AtomicInteger();
        private final List<Runnable> heldBack = new ArrayList<>();

        ScriptedTransport(int rank) {
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int worldSize() {
            return mailboxes.length;
        }

        @Override
        public void sendFloats(int toRank, MessageKind kind, long sequence, int chunk, float[] data, int offset,
                int length) {
            countSend();
            float[] copy = Arrays.copyOfRange(data, offset, offset + length);
            sent.add(new Sent(rank, toRank, kind, sequence, chunk, length));
            deliver(() -> mailboxes[toRank].deliverFloats(rank, kind, sequence, chunk, copy.clone()));
        }

        @Override
        public void sendLongs(int toRank, MessageKind kind, long sequence, long[] values) {
            countSend();
            long[] copy = values.clone();
            sent.add(new Sent(rank, toRank, kind, sequence, 0, values.length));
            deliver(() -> mailboxes[toRank].deliverLongs(rank, kind, sequence, copy.clone()));
        }

        private void countSend() {
            if (rank == failingRank && sends.incrementAndGet() == failingSend) {
                throw new CollectiveException(CollectiveException.Reason.TRANSPORT, "rank " + rank
                        + ": the network dropped send " + failingSend);
            }
        }

        private void deliver(Runnable delivery) {
            Runnable once = duplicateEveryMessage ? () -> {
                delivery.run();
                delivery.run();
            } : delivery;
            if (reverseEachBurst) {
                heldBack.add(once);
            } else {
                once.run();
            }
        }

        private void flush() {
            List<Runnable> burst = new ArrayList<>(heldBack);
            heldBack.clear();
            Collections.reverse(burst);
            burst.forEach(Runnable::run);
        }

        @Override
        public void receiveFloats(int fromRank, MessageKind kind, long sequence, int chunk, float[] into, int offset,
                int length, long deadlineNanos) {
            flush();
            mailboxes[rank].takeFloats(rank, fromRank, kind, sequence, chunk, into, offset, length, deadlineNanos);
        }

        @Override
        public long[] receiveLongs(int fromRank, MessageKind kind, long sequence, long deadlineNanos) {
            flush();
            return mailboxes[rank].takeLongs(rank, fromRank, kind, sequence, deadlineNanos);
        }

        @Override
        public void close() {
            flush();
            mailboxes[rank].fail(new CollectiveException(CollectiveException.Reason.CLOSED, "rank " + rank
                    + " closed"));
        }
    }
}
