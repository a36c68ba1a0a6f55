package io.github.skrl4j.adam.internal.kernel;

import java.lang.ref.Cleaner;
import org.jspecify.annotations.Nullable;

/**
 * The two passes of a step over all of an optimizer's tensors: the read-only global-norm pass and
 * the fused update pass. Tensors of at least {@code parallelThreshold} elements are split across a
 * {@link WorkerGroup} of {@code parallelism} threads (the calling thread is one of them); smaller
 * tensors stay on the calling thread, which does them while the workers run their share.
 *
 * <p>The norm is a chunked sum: every tensor is cut into chunks of {@value #CHUNK} elements at fixed
 * positions, each chunk's sum of squares goes to its own slot, and the slots are added in order. So
 * the norm, the clip factor and every updated value are bit-for-bit the same for any parallelism.
 *
 * <p>No allocation per step: the jobs, the chunk slots and the array slots are made once.
 */
public final class StepPasses {

    /** Elements per norm chunk: 64 KiB of floats, far above the per-call cost of the kernel. */
    static final int CHUNK = 16_384;

    /** Update ranges start at multiples of this, so that no cache line is written by two threads. */
    private static final int ALIGN = 64;

    /** Bytes from a float[]'s start to its first element (HotSpot, 64-bit, compressed class pointers). */
    static final int ARRAY_BASE = 16;
    private static final int LINE = 64;
    private static final int FLOATS_PER_LINE = LINE / Float.BYTES;
    /** Index (mod {@link #FLOATS_PER_LINE}) of the elements that start a cache line. */
    private static final int LINE_RESIDUE = (LINE - ARRAY_BASE % LINE) % LINE / Float.BYTES;

    private static final class CleanerHolder {
        static final Cleaner CLEANER = Cleaner.create();
    }

    private final AdamKernel kernel;
    private final int[] sizes;
    private final int[] chunkOffset;
    private final double[] chunkSums;
    /** Per chunk: the norm pass found every gradient above the floor ({@link NormScratch#gradientsAboveFloor}). */
    private final boolean[] chunkAboveFloor;
    /** Per chunk: the norm pass found every gradient zero ({@link NormScratch#gradientsZero}). */
    private final boolean[] chunkZero;
    /** Per chunk: the last norm pass pooled (part of) its floor check ({@link NormScratch#floorPooled}). */
    private final boolean[] chunkFloorPooled;
    /**
     * True after a first update pass: every first moment was then written by a step, which never
     * writes -0.0 (only a restored state can hold it), so a first moment whose magnitude is zero is +0.0.
     */
    private boolean firstMomentsStepped;
    /** Per part: the norm's scratch block and lanes. */
    private final NormScratch[] normScratch;
    private final boolean[] large;
    private final @Nullable WorkerGroup workers;
    private final Cleaner.@Nullable Cleanable stopWorkers;

    // the current pass's arrays; set by the calling thread before a run, cleared after it
    private float[][] params = new float[0][];
    private float[][] grads = new float[0][];
    private float[][] mu = new float[0][];
    private float[][] nu = new float[0][];
    private float @Nullable [][] nuMax;
    private @Nullable StepCoefficients coefficients;

    private final WorkerGroup.Job normJob = this::normPart;
    private final WorkerGroup.Job updateJob = this::updatePart;

    /**
     * Passes with this JVM's kernel ({@link AdamKernels#defaultKernel()}).
     *
     * @param owner the optimizer whose unreachability stops the worker threads (unless {@link #close()} did)
     */
    public StepPasses(Object owner, String name, int[] sizes, int parallelism, int parallelThreshold) {
        this(owner, name, sizes, parallelism, parallelThreshold, AdamKernels.defaultKernel());
    }

    /** Passes with the given kernel (for tests). */
    StepPasses(Object owner, String name, int[] sizes, int parallelism, int parallelThreshold, AdamKernel kernel) {
        this.kernel = kernel;
        this.sizes = sizes.clone();
        this.chunkOffset = new int[sizes.length + 1];
        this.large = new boolean[sizes.length];
        boolean anyLargeTensor = false;
        for (int i = 0; i < sizes.length; i++) {
            chunkOffset[i + 1] = chunkOffset[i] + Math.max(1, (sizes[i] + CHUNK - 1) / CHUNK);
            large[i] = parallelism > 1 && sizes[i] >= parallelThreshold;
            anyLargeTensor |= large[i];
        }
        this.chunkSums = new double[chunkOffset[sizes.length]];
        this.chunkAboveFloor = new boolean[chunkOffset[sizes.length]];
        this.chunkZero = new boolean[chunkOffset[sizes.length]];
        this.chunkFloorPooled = new boolean[chunkOffset[sizes.length]];
        this.normScratch = new NormScratch[anyLargeTensor ? parallelism : 1];
        for (int p = 0; p < normScratch.length; p++) {
            normScratch[p] = new NormScratch();
        }
        if (anyLargeTensor) {
            WorkerGroup group = new WorkerGroup(name, parallelism);
            this.stopWorkers = CleanerHolder.CLEANER.register(owner, group::shutdown);
            this.workers = group;
        } else {
            this.workers = null;
            this.stopWorkers = null;
        }
    }

    /** Stops the worker threads now (instead of when the owner becomes unreachable); later passes fail. */
    public void close() {
        Cleaner.Cleanable cleanable = stopWorkers;
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** The kernel in use. */
    AdamKernel kernel() {
        return kernel;
    }

    /** True when some tensor is split across worker threads. */
    boolean parallel() {
        return workers != null;
    }

    /** Sum of squares of all gradients, in double, reproducible for any parallelism. */
    public double sumOfSquares(float[][] gradients) {
        grads = gradients;
        try {
            run(normJob);
        } finally {
            grads = EMPTY;
        }
        double total = 0;
        for (double s : chunkSums) {
            total += s;
        }
        return total;
    }

    /** The fused update of every tensor with the step's coefficients. */
    public void update(float[][] parameters, float[][] gradients, float[][] firstMoments, float[][] secondMoments,
                float @Nullable [][] maxSecondMoments, StepCoefficients c) {
        params = parameters;
        grads = gradients;
        mu = firstMoments;
        nu = secondMoments;
        nuMax = maxSecondMoments;
        coefficients = c;
        try {
            run(updateJob);
            firstMomentsStepped = true;
        } finally {
            params = EMPTY;
            grads = EMPTY;
            mu = EMPTY;
            nu = EMPTY;
            nuMax = null;
            coefficients = null;
        }
    }

    private static final float[][] EMPTY = new float[0][];

    private void run(WorkerGroup.Job job) {
        WorkerGroup group = workers;
        if (group == null) {
            job.run(0, 1);
        } else {
            group.run(job);
        }
    }

    /**
     * Part {@code part} of the norm pass: its share of the large tensors' chunks; part 0 adds the small
     * tensors. The portable kernel pools the floor check of the short ranges read from an array's start
     * (small tensors, a large tensor's first line-aligning head) and folds it once at the end (issue 24:
     * six tensors of 768 paid a fold of their own each); when the pool finds a gradient at or below the
     * floor, those chunks are summed again one by one, so that only the tensors holding one take the
     * flushing loops (the sums are the same; only which loop runs depends on the floor).
     */
    private void normPart(int part, int parts) {
        NormScratch scratch = normScratch[part];
        scratch.startPooling();
        boolean pooled = false;
        try {
            for (int i = 0; i < sizes.length; i++) {
                if (!large[i] && part != 0) {
                    continue;
                }
                int chunks = chunkOffset[i + 1] - chunkOffset[i];
                int to = large[i] ? (int) ((long) chunks * (part + 1) / parts) : chunks;
                for (int k = large[i] ? (int) ((long) chunks * part / parts) : 0; k < to; k++) {
                    pooled |= normChunk(i, k, scratch);
                }
            }
        } finally {
            pooled &= !scratch.finishPooling();
        }
        if (!pooled) {
            return;
        }
        for (int i = 0; i < sizes.length; i++) {
            if (!large[i] && part != 0) {
                continue;
            }
            int chunks = chunkOffset[i + 1] - chunkOffset[i];
            int to = large[i] ? (int) ((long) chunks * (part + 1) / parts) : chunks;
            for (int k = large[i] ? (int) ((long) chunks * part / parts) : 0; k < to; k++) {
                if (chunkFloorPooled[chunkOffset[i] + k]) {
                    normChunk(i, k, scratch);
                }
            }
        }
    }

    /** Chunk {@code k} of tensor {@code i}: its sum, floor and zero flags; true when its floor check went into the pool. */
    private boolean normChunk(int i, int k, NormScratch scratch) {
        int c = chunkOffset[i] + k;
        float[] g = grads[i];
        int start = k * CHUNK;
        int end = Math.min(sizes[i], start + CHUNK);
        if (chunkZero[c] && kernel.allZero(g, start, end, scratch)) {
            // zero in the last step and still zero (a frozen part of a model): the sum the
            // kernel would give, +0.0, without its floor check and squares
            chunkSums[c] = 0;
            chunkAboveFloor[c] = false;
            chunkFloorPooled[c] = false;
            return false;
        }
        // as in the update pass: a full chunk's vector loads run line-aligned after a short head
        int head = end - start == CHUNK ? lineStart(start) : start;
        scratch.floorPooled = false;
        double headSum = kernel.sumOfSquares(g, start, head, scratch);
        boolean headAboveFloor = scratch.gradientsAboveFloor;
        boolean headZero = scratch.gradientsZero;
        boolean headPooled = scratch.floorPooled;
        scratch.floorPooled = false;
        chunkSums[c] = headSum + kernel.sumOfSquares(g, head, end, scratch);
        chunkAboveFloor[c] = headAboveFloor && scratch.gradientsAboveFloor;
        chunkZero[c] = headZero && scratch.gradientsZero;
        chunkFloorPooled[c] = headPooled || scratch.floorPooled;
        return chunkFloorPooled[c];
    }

    /** Part {@code part} of the update pass: its aligned share of the large tensors; part 0 also the small ones. */
    private void updatePart(int part, int parts) {
        StepCoefficients c = coefficients;
        float[][] maxMoments = nuMax;
        for (int i = 0; i < sizes.length; i++) {
            int n = sizes[i];
            int from;
            int to;
            if (large[i]) {
                from = split(n, part, parts);
                to = split(n, part + 1, parts);
            } else if (part == 0) {
                from = 0;
                to = n;
            } else {
                continue;
            }
            // in chunks: many short calls let the JIT compile the kernel normally (a single call
            // over millions of elements would run on-stack-replaced code, where the vector API boxes)
            float[] maxMoment = maxMoments == null ? null : maxMoments[i];
            boolean aboveFloor = aboveFloor(i);
            boolean zeroGradients = firstMomentsStepped && c.zeroFirstMomentKeepsParameters && gradientsZero(i);
            NormScratch scratch = normScratch[part];
            // in a large range, the first call ends where the arrays' cache lines start, so that every
            // later call's vectors are line-aligned (line-split loads and stores cost about a third of
            // the step at memory speed); small arrays have no known alignment and stay in cache anyway
            int start = from;
            int head = to - from >= CHUNK ? lineStart(from) : from;
            if (head > from) {
                updateRange(i, from, head, maxMoment, c, aboveFloor, zeroGradients, scratch);
                start = head;
            }
            for (; start < to; start += CHUNK) {
                updateRange(i, start, Math.min(to, start + CHUNK), maxMoment, c, aboveFloor, zeroGradients, scratch);
            }
        }
    }

    /**
     * One kernel call of the update pass; where the gradients and the first moments of the range are
     * all zero (a frozen or unused part of a model, some hundred steps after it stopped learning) and
     * the step's coefficients allow it ({@link StepCoefficients#zeroFirstMomentKeepsParameters}), the
     * plain loop would leave the parameters and the first moments as they are: then only the second
     * moments decay, in a loop without the division and the first moment's flush. Exact, so the same
     * for every kernel.
     */
    private void updateRange(int i, int from, int to, float @Nullable [] maxMoment, StepCoefficients c,
                             boolean aboveFloor, boolean zeroGradients, NormScratch scratch) {
        if (zeroGradients && kernel.allZero(mu[i], from, to, scratch)) {
            ScalarAdamKernel.decaySecondMoments(grads[i], nu[i], from, to, c);
            return;
        }
        kernel.update(params[i], grads[i], mu[i], nu[i], maxMoment, from, to, c, aboveFloor);
    }

    /** True when the last norm pass found every gradient of tensor {@code i} zero. */
    boolean gradientsZero(int i) {
        for (int k = chunkOffset[i]; k < chunkOffset[i + 1]; k++) {
            if (!chunkZero[k]) {
                return false;
            }
        }
        return true;
    }

    /** True when the last norm pass found every gradient of tensor {@code i} above the floor. */
    boolean aboveFloor(int i) {
        for (int k = chunkOffset[i]; k < chunkOffset[i + 1]; k++) {
            if (!chunkAboveFloor[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first index {@code >= i} whose element starts a cache line in a large array. HotSpot puts
     * a large array at the start of a heap region and its first element {@value #ARRAY_BASE} bytes
     * after that, so element {@code k} starts a line when {@code (ARRAY_BASE + 4k) % 64 == 0}; only
     * the speed depends on this, never the result (elements are independent).
     */
    static int lineStart(int i) {
        return i + Math.floorMod(LINE_RESIDUE - i, FLOATS_PER_LINE);
    }

    /** Start of part {@code part} of {@code n} elements, at a multiple of {@link #ALIGN} (the last ends at n). */
    private static int split(int n, int part, int parts) {
        if (part >= parts) {
            return n;
        }
        long start = (long) n * part / parts;
        return (int) (start - start % ALIGN);
    }
}
