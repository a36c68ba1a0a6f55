package io.github.skrl4j.adam.distributed.internal;

import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import io.github.skrl4j.adam.distributed.spi.Transport;

/**
 * The all-reduce's exchange and sums over a {@link Transport}, with the buffers only they use: the one-hop
 * path for a small vector and the chunked reduce-scatter and all-gather for the rest (chunk {@code c}
 * belongs to rank {@code c mod N}). Every value is summed over ranks 0..N-1 in that order, in double,
 * rounded once to float ({@link RankOrderSum}), so both paths give the same bits on every rank.
 * {@link ChunkedCollective} chooses the path, owns the result buffer and copies it into the caller's
 * tensors; it numbers the operation, keeps the deadline and turns a failure into a broken world.
 *
 * <p>Not thread-safe, and needs no lock: its {@link ChunkedCollective} creates it once and calls it only
 * from inside an operation, which that collective's {@code busy} flag admits one thread at a time (its
 * compare-and-set and reset also order one operation's writes to these buffers before the next's reads).
 * Allocates nothing per operation: its buffers are one chunk each, made here; {@link ChunkSources} grows
 * only for a call with more tensors than any before.
 */
final class AllReducer {

    /**
     * All-reduces of at most this many values (and within one chunk) take one hop: every rank sends
     * its vector to every other. Below it a round trip's latency dominates; above it the chunked path
     * sends each rank {@code 2 (N-1)/N} of the vector instead of {@code N-1} vectors (docs/distributed.md).
     */
    static final int ONE_HOP_MAX_FLOATS = 1 << 16;

    private final Transport transport;
    private final int rank;
    private final int worldSize;
    private final int chunkSize;

    private final double[] accumulator;
    /** One rank's part of a chunk this rank reduces, received here and summed from here. */
    private final float[] part;
    /** The second rank's part, when neither of the first two is this rank's (both are summed in one pass). */
    private final float[] secondPart;
    /** Where the array {@link #operand} returned starts the chunk. */
    private int operandOffset;
    /** A chunk of this rank's values that spans two tensors, gathered for sending or summing. */
    private final float[] staging;
    /** Where this rank's values of a chunk are in the caller's tensors. */
    private final ChunkSources sources = new ChunkSources();

    /** For {@code rank} of {@code worldSize} and chunks of {@code chunkSize} values, all checked by the collective. */
    AllReducer(Transport transport, int rank, int worldSize, int chunkSize) {
        this.transport = transport;
        this.rank = rank;
        this.worldSize = worldSize;
        this.chunkSize = chunkSize;
        this.accumulator = new double[chunkSize];
        this.part = new float[chunkSize];
        this.secondPart = rank >= 2 ? new float[chunkSize] : part; // ranks 0 and 1 hold one of the first two
        this.staging = new float[chunkSize];
    }

    /**
     * A small vector: every rank sends it whole to every other rank and sums all of them itself, in
     * rank order 0..N-1 as the chunked path does, so the bits are the same; one network hop instead of
     * two, which is what a small all-reduce's time is made of. The sum is not fused into one pass as the
     * owner's is: at the sample's size the fused pass measured no faster in plaintext and slower over TLS
     * (docs/distributed.md), because the time is in the hand-offs between threads, not in the passes.
     */
    void allReduceInOneHop(float[] buffer, int total, long seq, long deadline, boolean mean) {
        if (worldSize > 1) {
            transport.sendFloatsToOthers(MessageKind.REDUCE_WHOLE, seq, 0, buffer, 0, total);
        }
        double[] acc = accumulator;
        for (int r = 0; r < worldSize; r++) {
            float[] source = buffer;
            if (r != rank) {
                source = part;
                transport.receiveFloats(r, MessageKind.REDUCE_WHOLE, seq, 0, source, 0, total, deadline);
            }
            RankOrderSum.accumulate(acc, source, 0, total, r == 0);
        }
        RankOrderSum.round(acc, buffer, 0, total, mean ? worldSize : 0);
    }

    /**
     * Points the chunked path at this rank's values where they are in the caller's tensors, before
     * {@link #allReduceInChunks} (a call of its own so that method's code stays as it was measured).
     */
    void readPartsFrom(Tensors gradients) {
        sources.reset(gradients);
    }

    /**
     * A reduce-scatter, then an all-gather, in rounds of at most {@code maxMessagesInFlight / 3} chunks
     * per owner: a rank finishes a round (every result of it received) before it sends the next
     * round's parts, so a peer has at most that round's parts and results and the next round's parts
     * in flight towards it, within what its transport buffers. Within a round the ranks send, receive
     * and sum at once. This rank's parts are read where they are in the caller's tensors
     * ({@link #sources}, set by {@link #readPartsFrom}: no copy of the whole vector first); the results go
     * into {@code results}, which the caller copies into the tensors once every chunk has arrived.
     */
    void allReduceInChunks(float[] results, int total, long seq, long deadline, boolean mean) {
        int chunks = Chunks.count(total, chunkSize);
        long perOwner = Math.max(1, transport.maxMessagesInFlight() / 3);
        long window = perOwner * worldSize; // a multiple of the world size: chunk first + r is rank r's
        for (long first = 0; first < chunks; first += window) {
            int from = (int) first;
            int to = (int) Math.min(chunks, first + window);
            // reduce-scatter: each chunk to its owner ...
            for (int c = from; c < to; c++) {
                int owner = c % worldSize;
                if (owner != rank) {
                    int length = Chunks.length(c, total, chunkSize);
                    float[] source = sources.chunk(Chunks.start(c, chunkSize), length, staging);
                    transport.sendFloats(owner, MessageKind.REDUCE_PART, seq, c, source, sources.offset(), length);
                }
            }
            // ... which sums it in rank order and sends the result to everyone
            for (int c = from + rank; c < to; c += worldSize) {
                reduceOwnedChunk(c, total, results, seq, deadline, mean);
            }
            // all-gather: the other owners' results
            for (int c = from; c < to; c++) {
                int owner = c % worldSize;
                if (owner != rank) {
                    transport.receiveFloats(owner, MessageKind.REDUCED_CHUNK, seq, c, results,
                            Chunks.start(c, chunkSize), Chunks.length(c, total, chunkSize), deadline);
                }
            }
        }
    }

    /**
     * Sums chunk {@code c} over the ranks in rank order, in double, rounded once to float into
     * {@code results}, and sends the result to every other rank. The first two parts are added in one
     * pass and the last is added in the pass that rounds, so a world of two reads each part once and
     * writes the result once; the operations, and so the bits, are those of adding one part at a time.
     */
    private void reduceOwnedChunk(int c, int total, float[] results, long seq, long deadline, boolean mean) {
        int start = Chunks.start(c, chunkSize);
        int length = Chunks.length(c, total, chunkSize);
        int meanOver = mean ? worldSize : 0;
        float[] first = operand(0, c, start, length, part, seq, deadline);
        int firstAt = operandOffset;
        if (worldSize == 1) {
            RankOrderSum.accumulate(accumulator, first, firstAt, length, true);
            RankOrderSum.round(accumulator, results, start, length, meanOver);
            return;
        }
        float[] second = operand(1, c, start, length, secondPart, seq, deadline);
        int secondAt = operandOffset;
        if (worldSize == 2) {
            RankOrderSum.addTwoAndRound(first, firstAt, second, secondAt, results, start, length, meanOver);
        } else {
            double[] acc = accumulator;
            RankOrderSum.startWithTwo(acc, first, firstAt, second, secondAt, length);
            for (int r = 2; r < worldSize - 1; r++) {
                float[] next = operand(r, c, start, length, part, seq, deadline);
                RankOrderSum.accumulate(acc, next, operandOffset, length, false);
            }
            float[] last = operand(worldSize - 1, c, start, length, part, seq, deadline);
            RankOrderSum.addLastAndRound(acc, last, operandOffset, results, start, length, meanOver);
        }
        transport.sendFloatsToOthers(MessageKind.REDUCED_CHUNK, seq, c, results, start, length);
    }

    /**
     * Rank {@code r}'s part of chunk {@code c}: this rank's where it is in the caller's tensors, another
     * rank's received into {@code buffer} (into this reducer's array: C2 vectorizes the sum over an array,
     * not over the transport's direct buffer, measured in docs/distributed.md). Its offset is left in
     * {@link #operandOffset}.
     */
    private float[] operand(int r, int c, int start, int length, float[] buffer, long seq, long deadline) {
        if (r == rank) {
            float[] source = sources.chunk(start, length, staging);
            operandOffset = sources.offset();
            return source;
        }
        transport.receiveFloats(r, MessageKind.REDUCE_PART, seq, c, buffer, 0, length, deadline);
        operandOffset = 0;
        return buffer;
    }
}
