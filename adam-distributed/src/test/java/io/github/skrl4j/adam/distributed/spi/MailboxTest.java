package io.github.skrl4j.adam.distributed.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.CollectiveException.Reason;
import io.github.skrl4j.testsupport.TestThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MailboxTest {

    private static final long LATER = TimeUnit.SECONDS.toNanos(20);

    private final Mailbox mailbox = new Mailbox();

    private static long deadline() {
        return System.nanoTime() + LATER;
    }

    private float[] take(int fromRank, MessageKind kind, long sequence, int chunk, int length) {
        float[] into = new float[length];
        mailbox.takeFloats(0, fromRank, kind, sequence, chunk, into, 0, length, deadline());
        return into;
    }

    @Test
    void messagesAreTakenByAddressInWhateverOrderTheyArrived() {
        // a faster rank's next operation arrives before this one's, and chunks arrive back to front
        assertThat(mailbox.deliverFloats(1, MessageKind.REDUCE_PART, 2, 0, new float[] {20})).isTrue();
        assertThat(mailbox.deliverFloats(1, MessageKind.REDUCE_PART, 1, 1, new float[] {11})).isTrue();
        assertThat(mailbox.deliverFloats(1, MessageKind.REDUCE_PART, 1, 0, new float[] {10})).isTrue();
        assertThat(mailbox.deliverFloats(2, MessageKind.REDUCE_PART, 1, 0, new float[] {12})).isTrue();

        assertThat(take(1, MessageKind.REDUCE_PART, 1, 0, 1)).containsExactly(10);
        assertThat(take(2, MessageKind.REDUCE_PART, 1, 0, 1)).containsExactly(12);
        assertThat(take(1, MessageKind.REDUCE_PART, 1, 1, 1)).containsExactly(11);
        assertThat(take(1, MessageKind.REDUCE_PART, 2, 0, 1)).containsExactly(20);
        assertThat(mailbox.pending()).isZero();
    }

    @Test
    void aReceiverWaitsForItsMessageAndTheKindKeepsPartsAndResultsApart() throws Exception {
        CompletableFuture<float[]> waiting = CompletableFuture.supplyAsync(
                () -> take(1, MessageKind.REDUCED_CHUNK, 1, 0, 2), TestThreads.PER_TASK);
        mailbox.deliverFloats(1, MessageKind.REDUCE_PART, 1, 0, new float[] {1, 2});
        Thread.sleep(100);
        assertThat(waiting).isNotDone();

        mailbox.deliverFloats(1, MessageKind.REDUCED_CHUNK, 1, 0, new float[] {3, 4});
        assertThat(waiting.get(10, TimeUnit.SECONDS)).containsExactly(3, 4);
        assertThat(mailbox.pending()).isOne();
    }

    @Test
    void aDuplicateIsRefusedAndTheFirstMessageKept() {
        assertThat(mailbox.deliverFloats(1, MessageKind.BROADCAST_CHUNK, 1, 0, new float[] {1})).isTrue();
        assertThat(mailbox.deliverFloats(1, MessageKind.BROADCAST_CHUNK, 1, 0, new float[] {666})).isFalse();
        assertThat(mailbox.deliverLongs(1, MessageKind.CHECKSUM, 1, new long[] {7})).isTrue();
        assertThat(mailbox.deliverLongs(1, MessageKind.CHECKSUM, 1, new long[] {8})).isFalse();

        assertThat(take(1, MessageKind.BROADCAST_CHUNK, 1, 0, 1)).containsExactly(1);
        assertThat(mailbox.takeLongs(0, 1, MessageKind.CHECKSUM, 1, deadline())).containsExactly(7);
        // once taken, the same address is still a duplicate for the rest of the operation
        assertThat(mailbox.deliverFloats(1, MessageKind.BROADCAST_CHUNK, 1, 0, new float[] {666})).isFalse();
        assertThat(mailbox.pending()).isZero();
    }

    @Test
    void aMessageOfAnOperationOlderThanOneAlreadyTakenFromIsRefused() {
        mailbox.deliverFloats(1, MessageKind.REDUCE_PART, 5, 0, new float[] {1});
        take(1, MessageKind.REDUCE_PART, 5, 0, 1);

        // operation 4 is over on this rank: a message for it is a replay, and would never be taken
        assertThat(mailbox.deliverFloats(1, MessageKind.REDUCE_PART, 4, 0, new float[] {2})).isFalse();
        assertThat(mailbox.deliverLongs(2, MessageKind.CHECKSUM, 4, new long[] {3})).isFalse();
        assertThat(mailbox.pending()).isZero();
        // the current operation's other messages are still welcome
        assertThat(mailbox.deliverFloats(2, MessageKind.REDUCE_PART, 5, 0, new float[] {4})).isTrue();
    }

    @Test
    void theFirstMessageTakenOfANewOperationDropsWhatIsLeftOfOlderOnes() {
        mailbox.deliverFloats(1, MessageKind.REDUCE_PART, 1, 0, new float[] {1});
        mailbox.deliverFloats(2, MessageKind.REDUCE_PART, 1, 0, new float[] {2}); // never taken: rank 0 failed
        mailbox.deliverFloats(1, MessageKind.REDUCE_PART, 2, 0, new float[] {3});
        take(1, MessageKind.REDUCE_PART, 1, 0, 1);
        assertThat(mailbox.pending()).isEqualTo(2);

        take(1, MessageKind.REDUCE_PART, 2, 0, 1);
        assertThat(mailbox.pending()).isZero();
    }

    @Test
    void aRankThatLeftFailsOnlyTheOperationsAfterItsLast() {
        mailbox.deliverFloats(1, MessageKind.REDUCED_CHUNK, 3, 0, new float[] {9});
        assertThat(mailbox.deliverLongs(1, MessageKind.LEAVE, 3, new long[0])).isTrue();

        // it took part in operation 3: its message is delivered
        assertThat(take(1, MessageKind.REDUCED_CHUNK, 3, 0, 1)).containsExactly(9);
        // operation 4 needs it: fails at once, long before the deadline
        long start = System.nanoTime();
        assertThatThrownBy(() -> take(1, MessageKind.REDUCED_CHUNK, 4, 0, 1))
                .isInstanceOfSatisfying(CollectiveException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MEMBER_LEFT);
                    assertThat(e).hasMessageContaining("rank 1 left the world after operation 3");
                });
        assertThat(System.nanoTime() - start).isLessThan(LATER / 2);
        // the others are not concerned
        mailbox.deliverFloats(2, MessageKind.REDUCED_CHUNK, 4, 0, new float[] {5});
        assertThat(take(2, MessageKind.REDUCED_CHUNK, 4, 0, 1)).containsExactly(5);
    }

    @Test
    void aMissingMessageTimesOutAtTheDeadlineNamingTheRank() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        float[] into = {42};
        assertThatThrownBy(() -> mailbox.takeFloats(0, 2, MessageKind.REDUCE_PART, 1, 0, into, 0, 1, deadline))
                .isInstanceOfSatisfying(CollectiveException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
                    assertThat(e).hasMessageContaining("rank 2 did not send its part");
                });
        assertThat(System.nanoTime()).isGreaterThanOrEqualTo(deadline);
        assertThat(into).containsExactly(42);
    }

    @Test
    void aMessageOfAnotherLengthIsAMismatchAndLeavesTheBufferAsItWas() {
        mailbox.deliverFloats(1, MessageKind.BROADCAST_CHUNK, 1, 0, new float[] {1, 2, 3});
        float[] into = {7, 7, 7, 7};
        assertThatThrownBy(() -> mailbox.takeFloats(0, 1, MessageKind.BROADCAST_CHUNK, 1, 0, into, 0, 4, deadline()))
                .isInstanceOfSatisfying(CollectiveException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MISMATCH);
                    assertThat(e).hasMessageContaining("rank 1 sent 3 values", "expects 4");
                });
        assertThat(into).containsExactly(7, 7, 7, 7);
    }

    @Test
    void aRankInAnotherOperationIsAMismatchNotATimeout() {
        // rank 1 runs a divergence check where this rank runs an all-reduce
        mailbox.deliverLongs(1, MessageKind.CHECKSUM, 6, new long[] {1});
        assertThatThrownBy(() -> take(1, MessageKind.REDUCED_CHUNK, 6, 0, 1))
                .isInstanceOfSatisfying(CollectiveException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MISMATCH);
                    assertThat(e).hasMessageContaining("CHECKSUM", "different operations");
                });
    }

    @Test
    void aFailureWakesTheReceiverIsFinalAndRefusesLaterMessages() throws Exception {
        CompletableFuture<float[]> waiting = CompletableFuture.supplyAsync(
                () -> take(1, MessageKind.REDUCE_PART, 1, 0, 1), TestThreads.PER_TASK);
        Thread.sleep(100);
        mailbox.fail(new CollectiveException(Reason.MEMBER_LEFT, "rank 1 left the cluster"));
        mailbox.fail(new CollectiveException(Reason.CLOSED, "a second failure"));

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(CollectiveException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MEMBER_LEFT));
        assertThat(mailbox.failure()).hasMessageContaining("rank 1 left the cluster");
        assertThat(mailbox.deliverFloats(1, MessageKind.REDUCE_PART, 1, 0, new float[] {1})).isFalse();
        assertThat(mailbox.pending()).isZero();
    }

    @Test
    void anAbortNoticeFailsTheMailboxAtOnceWithTheSendersReason() throws Exception {
        CompletableFuture<float[]> waiting = CompletableFuture.supplyAsync(
                () -> take(2, MessageKind.REDUCED_CHUNK, 3, 0, 1), TestThreads.PER_TASK);
        Thread.sleep(100);
        assertThat(mailbox.deliverLongs(1, MessageKind.ABORT, 3, Mailbox.abortNotice(Reason.TIMEOUT))).isTrue();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(CollectiveException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
                    assertThat(e).hasMessageContaining("rank 1's operation 3 failed");
                });
    }

    @Test
    void theKindDecidesThePayload() {
        assertThatThrownBy(() -> mailbox.deliverFloats(1, MessageKind.CHECKSUM, 1, 0, new float[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CHECKSUM messages carry longs");
        assertThatThrownBy(() -> mailbox.deliverLongs(1, MessageKind.REDUCE_PART, 1, new long[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carry floats");
        assertThat(mailbox.pending()).isZero();
        assertThatThrownBy(() -> MessageKind.ofOrdinal(MessageKind.values().length))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInterruptedReceiverFailsAndKeepsItsInterruptFlag() throws Exception {
        CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
        Thread receiver = new Thread(() -> {
            try {
                take(1, MessageKind.REDUCE_PART, 1, 0, 1);
                flagKept.complete(false);
            } catch (CollectiveException e) {
                flagKept.complete(e.reason() == Reason.INTERRUPTED && Thread.currentThread().isInterrupted());
            }
        });
        receiver.start();
        Thread.sleep(100);
        receiver.interrupt();
        assertThat(flagKept.get(10, TimeUnit.SECONDS)).isTrue();
    }
}
