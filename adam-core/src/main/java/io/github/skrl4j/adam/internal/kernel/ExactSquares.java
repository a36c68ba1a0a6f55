package io.github.skrl4j.adam.internal.kernel;

/**
 * The exact double sum of a range's squares, the norm's answer wherever the tree's float lanes are
 * not: ranges shorter than one norm block ({@link NormTree#SMALLEST_TREE_RANGE}), so that small models
 * keep a norm exact to double rounding, and ranges whose float sum overflowed (gradients above ~1.8e19),
 * lost precision to underflow (a sum below 2^-100) or is not a number. A float's square is exact in
 * double (24 + 24 bits), so only the additions round; they run in eight chains in a fixed order, which
 * the vector kernel's double lanes repeat for the same bits.
 *
 * <p>Two forms give those bits: one fused multiply-add per square where {@link Math#fma} is a
 * processor instruction, a multiplication and an addition elsewhere, each shaped for what C2 makes of
 * it (see {@link #squaresInDoubleFused}). Both kernels call them: the portable one for every short
 * range, the vector one where its lanes did not hold the sum or its vectors are neither 8 nor 16
 * floats wide.
 */
final class ExactSquares {

    private ExactSquares() {
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
