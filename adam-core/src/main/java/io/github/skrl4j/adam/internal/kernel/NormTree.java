package io.github.skrl4j.adam.internal.kernel;

import java.util.Arrays;

/**
 * The norm's arithmetic, shared by both kernels, and the portable kernel's floor check.
 *
 * <p><b>Norm.</b> C2 (JDK 17) vectorizes neither a float-to-double conversion nor a floating-point
 * sum into one variable (Java fixes the order of the additions), and it only vectorizes a loop whose
 * arrays are indexed alike or at constant distances (two float arrays at unrelated offsets might be
 * the same array). So a range is cut into blocks of {@value #NORM_BLOCK} gradients; each block is
 * copied ({@code System.arraycopy}, itself vectorized) into a scratch block padded with zeros to a
 * power-of-two number of rows of {@value #NORM_LANES}, and the rows are squared and added pairwise
 * in a fixed tree (row k with row k + rows/2, and so on), each level a loop over constant
 * distances, down to one row of {@value #NORM_LANES} float lanes. The lanes are halved in float to 16
 * and added to eight double sums in a fixed order. Each of those 16 floats sums 256 squares in a
 * tree (a relative error of about 1e-6 at most, typically 1e-8, before the double fold; XLA sums the
 * whole norm in float32). A range shorter than one block, where the tree would save little, is
 * summed in double, so small models keep a norm exact to double rounding. Where float squares would
 * overflow (gradients above ~1.8e19) or lose precision to underflow (a sum below 2^-100), the range
 * is summed again exactly in double, so huge and tiny gradients keep their norm. The vector kernel
 * computes the same tree in registers, so both give the same bits.
 *
 * <p><b>Floor.</b> The portable kernel leaves out the flush of the moments where the norm pass
 * proves it the identity (see {@link ScalarAdamKernel}): on the copy it makes anyway, it multiplies
 * {@link #aboveFloor} of the squares, a product that is zero as soon as one gradient is at most
 * 2^-40.5 in magnitude and at least 1 otherwise.
 */
final class NormTree {

    /** Float lanes of the norm: one row, 1 KiB. */
    static final int NORM_LANES = 256;
    /** Gradients per norm block: 16 rows, added in a tree of four levels. */
    static final int NORM_BLOCK = 4096;
    /** Shorter ranges are summed in double: one block, where the tree starts to pay off. */
    static final int SMALLEST_TREE_RANGE = NORM_BLOCK;
    /** Shorter ranges are checked against the floor element by element, without the copy. */
    static final int SMALLEST_FLOOR_CHECK = 32;
    /** Lanes left after the float halving of a block, each then added to one of eight double sums. */
    private static final int FOLDED_LANES = 16;
    /** Below this the float lanes may have lost part of the sum to underflow: sum again in double. */
    private static final double SMALLEST_FLOAT_SUM = 0x1p-100;

    /** Scales the square of a gradient at the floor, 2^-40, to 1. */
    private static final float FLOOR_SCALE = 0x1p80f;
    /** Adding and taking away 2^23 rounds a float below 0.5 (and 0.5 itself) to zero, and keeps 1 and more at 1 or more. */
    private static final float ROUNDING_BIAS = 0x1p23f;

    private NormTree() {
    }

    /**
     * The portable kernel's norm of {@code [from, to)}: the tree, or exact double for short ranges;
     * sets {@link NormScratch#gradientsAboveFloor}.
     */
    static double sumOfSquaresCheckingFloor(float[] g, int from, int to, NormScratch scratch) {
        if (from == to) {
            scratch.gradientsAboveFloor = true;
            scratch.gradientsZero = true;
            scratch.floorPooled = false;
            return 0;
        }
        if (to - from < SMALLEST_TREE_RANGE) {
            // short ranges too: a chunk of a large tensor starts with one (up to its first cache line)
            if (from == 0 && scratch.pooledLanes >= 0) {
                // indexed like the pool's lanes: into the pool, folded once for the whole pass
                poolFloor(g, to, scratch);
                scratch.floorPooled = true;
                scratch.gradientsAboveFloor = true;
            } else {
                scratch.floorPooled = false;
                scratch.gradientsAboveFloor = to - from < SMALLEST_FLOOR_CHECK
                        ? fewAboveFloor(g, from, to) : allAboveFloor(g, from, to, scratch);
            }
            return squaresInDoubleNotingZero(g, from, to, scratch);
        }
        scratch.floorPooled = false;
        scratch.startCall();
        boolean aboveFloor = true;
        float[] b = scratch.block;
        for (int start = from; start < to; start += NORM_BLOCK) {
            int n = Math.min(NORM_BLOCK, to - start);
            if (start == 0 && n == NORM_BLOCK) {
                // a full block at the array's start is indexed like the scratch already: no copy
                aboveFloor = aboveFloor && blockAboveFloor(g, n, scratch.floor);
                squareRows(g, b, 16);
                foldLanes(b, scratch.sums);
            } else {
                System.arraycopy(g, start, b, 0, n);
                // before the tree overwrites the copy; a range already found below stays below
                aboveFloor = aboveFloor && blockAboveFloor(b, n, scratch.floor);
                squareAndFold(b, n, scratch);
            }
        }
        scratch.gradientsAboveFloor = aboveFloor;
        return finishSquares(scratch, g, from, to);
    }

    /** Adds the tree sums of the blocks of {@code [from, to)} to the call's double sums. */
    static void addBlocks(float[] g, int from, int to, NormScratch scratch) {
        float[] b = scratch.block;
        for (int start = from; start < to; start += NORM_BLOCK) {
            int n = Math.min(NORM_BLOCK, to - start);
            System.arraycopy(g, start, b, 0, n);
            squareAndFold(b, n, scratch);
        }
    }

    /** The tree of a block of {@code n} gradients copied to {@code b}, folded into the call's double sums. */
    private static void squareAndFold(float[] b, int n, NormScratch scratch) {
        int rows = Integer.highestOneBit((n + NORM_LANES - 1) / NORM_LANES * 2 - 1);
        Arrays.fill(b, n, rows * NORM_LANES, 0f);
        squareRows(b, b, rows);
        foldLanes(b, scratch.sums);
    }

    /** {@link #allAboveFloor} for a few gradients: their product, in one chain. */
    private static boolean fewAboveFloor(float[] g, int from, int to) {
        float p = 1f;
        for (int i = from; i < to; i++) {
            float x = g[i];
            p *= aboveFloor(x * x);
        }
        return p >= 1f;
    }

    /** True when every gradient of a range shorter than {@value #NORM_BLOCK} passes {@link #aboveFloor}. */
    static boolean allAboveFloor(float[] g, int from, int to, NormScratch scratch) {
        int n = to - from;
        if (from == 0) {
            return blockAboveFloor(g, n, scratch.floor);
        }
        System.arraycopy(g, from, scratch.block, 0, n);
        return blockAboveFloor(scratch.block, n, scratch.floor);
    }

    /**
     * True when the {@code n} gradients at the start of {@code b} (a copy, or a gradient from its
     * first element) pass {@link #aboveFloor}: their product, folded at constant distances down to 16
     * lanes, is at least 1.
     */
    private static boolean blockAboveFloor(float[] b, int n, float[] f) {
        if (n == NORM_BLOCK) {
            // a full block in two halves multiplied lane by lane: half the scratch and half the folding
            for (int j = 0; j < NORM_BLOCK / 2; j++) {
                float x = b[j];
                f[j] = aboveFloor(x * x);
            }
            for (int j = 0; j < NORM_BLOCK / 2; j++) {
                float y = b[j + NORM_BLOCK / 2];
                f[j] *= aboveFloor(y * y);
            }
            return productAtLeastOne(f, NORM_BLOCK / 2);
        }
        for (int j = 0; j < n; j++) {
            float x = b[j];
            f[j] = aboveFloor(x * x);
        }
        return productAtLeastOne(f, n);
    }

    /**
     * Multiplies {@link #aboveFloor} of the squares of {@code g[0, n)} into the pool's lanes
     * ({@link NormScratch#pooledFloor}; the pass's first range writes them, and lanes no range used
     * before start at 1): indexed alike, so C2 vectorizes it without a copy.
     */
    private static void poolFloor(float[] g, int n, NormScratch scratch) {
        float[] f = scratch.pooledFloor;
        if (scratch.pooledLanes == 0) {
            // the pass's first pooled range: its factors are the lanes, without filling them with ones first
            for (int j = 0; j < n; j++) {
                float x = g[j];
                f[j] = aboveFloor(x * x);
            }
            scratch.pooledLanes = n;
            return;
        }
        if (n > scratch.pooledLanes) {
            Arrays.fill(f, scratch.pooledLanes, n, 1f);
            scratch.pooledLanes = n;
        }
        for (int j = 0; j < n; j++) {
            float x = g[j];
            f[j] *= aboveFloor(x * x);
        }
    }

    /**
     * True when the product of {@code f[0, n)} (each zero, at least 1, or not a number) is at least 1:
     * folded at constant distances down to 16 lanes (padded with ones below 16).
     */
    static boolean productAtLeastOne(float[] f, int n) {
        int size = Math.max(FOLDED_LANES, Integer.highestOneBit(Math.max(1, 2 * n - 1)));
        if (n <= FOLDED_LANES) {
            Arrays.fill(f, n, FOLDED_LANES, 1f);
        } else if (n < size) {
            // not a power of two: the lanes from half the size on are multiplied into the first ones, the
            // others keep their factors (instead of padding with ones to the size and multiplying by them)
            foldPartialLevel(f, n, size);
            size /= 2;
        }
        switch (size) {
            case 4096:
                for (int j = 0; j < 2048; j++) {
                    f[j] *= f[j + 2048];
                }
            case 2048:
                for (int j = 0; j < 1024; j++) {
                    f[j] *= f[j + 1024];
                }
            case 1024:
                for (int j = 0; j < 512; j++) {
                    f[j] *= f[j + 512];
                }
            case 512:
                for (int j = 0; j < 256; j++) {
                    f[j] *= f[j + 256];
                }
            case 256:
                for (int j = 0; j < 128; j++) {
                    f[j] *= f[j + 128];
                }
            case 128:
                for (int j = 0; j < 64; j++) {
                    f[j] *= f[j + 64];
                }
            case 64:
                for (int j = 0; j < 32; j++) {
                    f[j] *= f[j + 32];
                }
            case 32:
                for (int j = 0; j < 16; j++) {
                    f[j] *= f[j + 16];
                }
            default:
                float p = 1f;
                for (int j = 0; j < FOLDED_LANES; j++) {
                    p *= f[j];
                }
                return p >= 1f;
        }
    }

    /**
     * The first level of {@link #productAtLeastOne}'s fold for {@code size / 2 < n < size}: lane
     * {@code j} times lane {@code j + size / 2} for {@code j < n - size / 2}, each loop at a literal distance.
     */
    private static void foldPartialLevel(float[] f, int n, int size) {
        switch (size) {
            case 4096:
                for (int j = 0; j < n - 2048; j++) {
                    f[j] *= f[j + 2048];
                }
                break;
            case 2048:
                for (int j = 0; j < n - 1024; j++) {
                    f[j] *= f[j + 1024];
                }
                break;
            case 1024:
                for (int j = 0; j < n - 512; j++) {
                    f[j] *= f[j + 512];
                }
                break;
            case 512:
                for (int j = 0; j < n - 256; j++) {
                    f[j] *= f[j + 256];
                }
                break;
            case 256:
                for (int j = 0; j < n - 128; j++) {
                    f[j] *= f[j + 128];
                }
                break;
            case 128:
                for (int j = 0; j < n - 64; j++) {
                    f[j] *= f[j + 64];
                }
                break;
            case 64:
                for (int j = 0; j < n - 32; j++) {
                    f[j] *= f[j + 32];
                }
                break;
            default:
                for (int j = 0; j < n - 16; j++) {
                    f[j] *= f[j + 16];
                }
                break;
        }
    }

    /**
     * Squares a power-of-two number of rows of {@code src} (the scratch block itself, or a gradient
     * from its first element) and adds them in the tree in {@code b}, leaving the sums in row 0.
     */
    private static void squareRows(float[] src, float[] b, int rows) {
        // every loop at a literal distance, written out: C2 vectorizes a loop over constant distances
        // only, and a distance passed to a helper is constant only where C2 happens to inline it
        switch (rows) {
            case 16:
                for (int j = 0; j < 2048; j++) {
                    float x = src[j];
                    float y = src[j + 2048];
                    b[j] = x * x + y * y;
                }
                break;
            case 8:
                for (int j = 0; j < 1024; j++) {
                    float x = src[j];
                    float y = src[j + 1024];
                    b[j] = x * x + y * y;
                }
                break;
            case 4:
                for (int j = 0; j < 512; j++) {
                    float x = src[j];
                    float y = src[j + 512];
                    b[j] = x * x + y * y;
                }
                break;
            case 2:
                for (int j = 0; j < 256; j++) {
                    float x = src[j];
                    float y = src[j + 256];
                    b[j] = x * x + y * y;
                }
                break;
            default:
                for (int j = 0; j < NORM_LANES; j++) {
                    float x = src[j];
                    b[j] = x * x;
                }
        }
        // falls through: the remaining levels of the tree
        switch (rows) {
            case 16:
                for (int j = 0; j < 1024; j++) {
                    b[j] += b[j + 1024];
                }
            case 8:
                for (int j = 0; j < 512; j++) {
                    b[j] += b[j + 512];
                }
            case 4:
                for (int j = 0; j < 256; j++) {
                    b[j] += b[j + 256];
                }
            default:
                break;
        }
    }

    /**
     * Zero when {@code square <= 2^-81} (a gradient of at most 2^-40.5 in magnitude), at least 1
     * otherwise (infinite for huge squares, NaN for NaN): the products of these are zero or NaN
     * exactly when some gradient is that small (or not a number), and never subnormal.
     */
    static float aboveFloor(float square) {
        return (square * FLOOR_SCALE + ROUNDING_BIAS) - ROUNDING_BIAS;
    }

    /**
     * Folds the block's row of lanes: halves it in float (lane j += lane j + half) down to
     * {@value #FOLDED_LANES}, then adds lane j to double sum j % 8.
     */
    static void foldLanes(float[] lanes, double[] sums) {
        for (int j = 0; j < 128; j++) {
            lanes[j] += lanes[j + 128];
        }
        for (int j = 0; j < 64; j++) {
            lanes[j] += lanes[j + 64];
        }
        for (int j = 0; j < 32; j++) {
            lanes[j] += lanes[j + 32];
        }
        for (int j = 0; j < 16; j++) {
            lanes[j] += lanes[j + 16];
        }
        for (int j = 0; j < FOLDED_LANES; j++) {
            sums[j & 7] += lanes[j];
        }
    }

    /**
     * {@link #squaresInDouble}, noting in {@link NormScratch#gradientsZero} whether the range is all
     * zero: a nonzero float's square is nonzero in double, so the exact sum is zero exactly then.
     */
    static double squaresInDoubleNotingZero(float[] g, int from, int to, NormScratch scratch) {
        double sum = squaresInDouble(g, from, to);
        scratch.gradientsZero = sum == 0;
        return sum;
    }

    /**
     * The call's sum from the eight double sums, or the exact double sum where the float lanes do not
     * hold it; notes whether the range is all zero ({@link NormScratch#gradientsZero}).
     */
    static double finishSquares(NormScratch scratch, float[] g, int from, int to) {
        double sum = laneSum(scratch);
        scratch.gradientsZero = false;
        if (lanesHold(sum)) {
            return sum;
        }
        if (sum == 0 && allZero(g, from, to, scratch)) {
            // a gradient that is all zero (a frozen or unused part of a model): exactly zero, found
            // by a vectorized pass instead of the double loop
            scratch.gradientsZero = true;
            return 0;
        }
        // overflowed, underflowed, or not a number: the exact sum decides
        return squaresInDouble(g, from, to);
    }

    /** The call's eight double sums added in their fixed tree. */
    static double laneSum(NormScratch scratch) {
        double[] s = scratch.sums;
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    }

    /**
     * True when the float lanes held the call's sum ({@link #laneSum}); otherwise it is zero (all
     * zero gradients, or squares that underflowed) or overflowed or not a number, and a zero sum
     * stands only where every gradient is zero, any other the exact double sum decides.
     */
    static boolean lanesHold(double sum) {
        return sum >= SMALLEST_FLOAT_SUM && sum <= Double.MAX_VALUE;
    }

    /**
     * True when every value of {@code [from, to)} is +0.0 or -0.0: the sum of their magnitudes is zero
     * (magnitudes never cancel; a huge value makes it infinite, a NaN makes it NaN). Used on a
     * gradient whose float squares summed to zero, and on first moments (see {@link StepPasses}).
     * Overwrites the scratch's block and floor.
     */
    static boolean allZero(float[] a, int from, int to, NormScratch scratch) {
        for (int start = from; start < to; start += NORM_BLOCK) {
            int n = Math.min(NORM_BLOCK, to - start);
            if (start == 0) {
                // the array's start is indexed like the scratch: read in place
                if (!blockMagnitudesZero(a, n, scratch.floor)) {
                    return false;
                }
            } else {
                System.arraycopy(a, start, scratch.block, 0, n);
                if (!blockMagnitudesZero(scratch.block, n, scratch.floor)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * True when the {@code n} values at the start of {@code b} are all zero: their magnitudes in
     * {@code f}, padded with zeros to a power of two, added at constant distances down to 16 lanes.
     */
    private static boolean blockMagnitudesZero(float[] b, int n, float[] f) {
        for (int j = 0; j < n; j++) {
            f[j] = Math.abs(b[j]);
        }
        int size = Math.max(FOLDED_LANES, Integer.highestOneBit(Math.max(1, 2 * n - 1)));
        Arrays.fill(f, n, size, 0f);
        switch (size) {
            case 4096:
                for (int j = 0; j < 2048; j++) {
                    f[j] += f[j + 2048];
                }
            case 2048:
                for (int j = 0; j < 1024; j++) {
                    f[j] += f[j + 1024];
                }
            case 1024:
                for (int j = 0; j < 512; j++) {
                    f[j] += f[j + 512];
                }
            case 512:
                for (int j = 0; j < 256; j++) {
                    f[j] += f[j + 256];
                }
            case 256:
                for (int j = 0; j < 128; j++) {
                    f[j] += f[j + 128];
                }
            case 128:
                for (int j = 0; j < 64; j++) {
                    f[j] += f[j + 64];
                }
            case 64:
                for (int j = 0; j < 32; j++) {
                    f[j] += f[j + 32];
                }
            case 32:
                for (int j = 0; j < 16; j++) {
                    f[j] += f[j + 16];
                }
            default:
                float sum = 0f;
                for (int j = 0; j < FOLDED_LANES; j++) {
                    sum += f[j];
                }
                return sum == 0f;
        }
    }

    /**
     * Sum of squares in double, element {@code from + k} in chain {@code k % 8} (the tail in chain 0),
     * the chains added in a fixed tree: short ranges, and where floats do not hold the sum.
     */
    static double squaresInDouble(float[] g, int from, int to) {
        return FUSED_MULTIPLY_ADD ? squaresInDoubleFused(g, from, to) : squaresInDoubleSeparate(g, from, to);
    }

    /**
     * True where {@link Math#fma} is a processor instruction (HotSpot's {@code UseFMA}: x86 since about
     * 2013, every aarch64); elsewhere it is computed in software, hundreds of times slower.
     */
    static final boolean FUSED_MULTIPLY_ADD = fusedMultiplyAddIsIntrinsic();

    private static boolean fusedMultiplyAddIsIntrinsic() {
        try {
            return Boolean.parseBoolean(java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseFMA").getValue());
        } catch (LinkageError | RuntimeException e) {
            // not HotSpot, or a runtime image without the management modules: the separate operations
            return false;
        }
    }

    /**
     * {@link #squaresInDoubleSeparate} with each square added by {@link Math#fma}: a float's square is
     * exact in double (24 + 24 bits), so {@code fma(a, a, s)} rounds {@code s + a * a} once, as the
     * separate addition does, and gives the same bits in half the operations (the eight chains run at
     * the adder's latency instead of the processor's width).
     *
     * <p>Each octet is converted to double in one iteration and squared in the next, so the eight
     * converted values are carried across the loop's back edge and C2 gives each a register of its
     * own. x86's {@code vcvtss2sd} keeps the upper half of its destination register, so a conversion
     * waits for the last write of that register; AMD's processors skip that wait only while they know
     * the register's upper half to be zero (their optimization guides' XMM register merge
     * optimization; measured, not read from the compiled code), and the broadcast constants of the
     * vectorized loops (the update's, the floor check's) leave it not zero. Written the plain way (convert, then square,
     * within one iteration), C2 put the eight conversions into two registers, five and three of them
     * chained per iteration: on AMD EPYC (Zen 4) six tensors of 768 took 1,400-2,300 ns instead of
     * ~725 for their sums in JVMs whose earlier code had used those registers (after the warm-up at
     * the optimizer's start, most JVMs), which was the six768 case's regression (docs/benchmarks.md,
     * issue 24, session 9). Carried, each register takes one conversion per iteration, whose wait is
     * shorter than the adder's.
     *
     * <p>The method stays above C2's {@code FreqInlineSize} (325 bytes of bytecode), so that it is
     * compiled on its own instead of inside the norm pass: inlined there (JDK 17, AVX-512), C2 kept
     * the loop's index on the stack, a store and a reload per eight elements, and six tensors of 768
     * took ~300 ns more per step (docs/benchmarks.md, issue 24).
     */
    static double squaresInDoubleFused(float[] g, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = from;
        if (to - from >= 8) {
            double a = g[i];
            double b = g[i + 1];
            double c = g[i + 2];
            double d = g[i + 3];
            double e = g[i + 4];
            double f = g[i + 5];
            double h = g[i + 6];
            double k = g[i + 7];
            for (i += 8; i <= to - 8; i += 8) {
                // the last octet's squares, then this octet's conversions
                s0 = Math.fma(a, a, s0);
                a = g[i];
                s1 = Math.fma(b, b, s1);
                b = g[i + 1];
                s2 = Math.fma(c, c, s2);
                c = g[i + 2];
                s3 = Math.fma(d, d, s3);
                d = g[i + 3];
                s4 = Math.fma(e, e, s4);
                e = g[i + 4];
                s5 = Math.fma(f, f, s5);
                f = g[i + 5];
                s6 = Math.fma(h, h, s6);
                h = g[i + 6];
                s7 = Math.fma(k, k, s7);
                k = g[i + 7];
            }
            s0 = Math.fma(a, a, s0);
            s1 = Math.fma(b, b, s1);
            s2 = Math.fma(c, c, s2);
            s3 = Math.fma(d, d, s3);
            s4 = Math.fma(e, e, s4);
            s5 = Math.fma(f, f, s5);
            s6 = Math.fma(h, h, s6);
            s7 = Math.fma(k, k, s7);
        }
        // the last to - i < 8 elements into chain 0, first to last
        for (; i < to; i++) {
            double a = g[i];
            s0 = Math.fma(a, a, s0);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** {@link #squaresInDouble} with a multiplication and an addition per square. */
    static double squaresInDoubleSeparate(float[] g, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = from;
        for (; i <= to - 8; i += 8) {
            double a = g[i];
            double b = g[i + 1];
            double c = g[i + 2];
            double d = g[i + 3];
            double e = g[i + 4];
            double f = g[i + 5];
            double h = g[i + 6];
            double k = g[i + 7];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
            s4 += e * e;
            s5 += f * f;
            s6 += h * h;
            s7 += k * k;
        }
        for (; i < to; i++) {
            double a = g[i];
            s0 += a * a;
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
