package io.github.skrl4j.adam.internal.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.jspecify.annotations.Nullable;

/**
 * The kernel on {@code jdk.incubator.vector}, chosen by {@link AdamKernels} when the module is in the
 * boot layer ({@code --add-modules jdk.incubator.vector}). Every update loop (plain, general, AMSGrad)
 * is one vector loop (AMSGrad with Nesterov or epsRoot: two) that flushes the subnormal moments with
 * a few integer lane operations, which C2 cannot vectorize in plain Java (the portable kernel needs
 * float arithmetic, and leaves the flush out only where its norm pass proved it unnecessary). The
 * norm is the portable kernel's tree, each full block added in registers straight from the gradient,
 * and a short range's exact double sum in double lanes.
 *
 * <p>The update is operation for operation the one of {@link ScalarAdamKernel} (no fused
 * multiply-add, the same flush rule), and the norm adds the same pairs in the same order, so both
 * kernels give bit-identical norms, parameters and moments.
 *
 * <p>Compiled separately (src/main/java-vector) with the incubator module; loaded only reflectively.
 */
final class VectorAdamKernel implements AdamKernel {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    private static final VectorSpecies<Integer> I =
            VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize()));
    /** Bits of the largest subnormal float: |x| at or below it (as int) means an all-zero exponent. */
    private static final int LARGEST_SUBNORMAL_BITS = StepCoefficients.MIN_NORMAL_BITS - 1;

    /** Public no-arg constructor for the reflective lookup; throws when vectors would not pay off. */
    public VectorAdamKernel() {
        if (LANES < 8) {
            // 128-bit vectors (or a JIT without intrinsics) win nothing over C2's own vectorization
            throw new UnsupportedOperationException("preferred float vector has " + LANES + " lanes");
        }
    }

    @Override
    public String name() {
        return "vector-" + F.vectorBitSize();
    }

    @Override
    public double sumOfSquares(float[] g, int from, int to, NormScratch scratch) {
        // no floor check: this kernel's flush costs next to nothing
        scratch.gradientsAboveFloor = false;
        if (to - from < NormTree.SMALLEST_TREE_RANGE) {
            double sum = squaresInDoubleLanes(g, from, to);
            scratch.gradientsZero = sum == 0; // as NormTree.squaresInDoubleNotingZero
            return sum;
        }
        // NormTree.sumOfSquaresCheckingFloor without the floor, each full block's tree in registers, without the copy
        // the portable code needs (a 16 KiB copy per block that pushes the update's arrays out of L1)
        float[] lanes = scratch.block;
        final int R = NormBlock.NORM_LANES;
        scratch.startCall();
        int start = from;
        for (; to - start >= NormBlock.NORM_BLOCK; start += NormBlock.NORM_BLOCK) {
            for (int c = 0; c < R; c += LANES) {
                int r = start + c;
                // row k of the block, squared; then rows k and k + 8 added, then + 4, + 2, + 1: the portable tree
                FloatVector x0 = FloatVector.fromArray(F, g, r);
                FloatVector x1 = FloatVector.fromArray(F, g, r + 1 * R);
                FloatVector x2 = FloatVector.fromArray(F, g, r + 2 * R);
                FloatVector x3 = FloatVector.fromArray(F, g, r + 3 * R);
                FloatVector x4 = FloatVector.fromArray(F, g, r + 4 * R);
                FloatVector x5 = FloatVector.fromArray(F, g, r + 5 * R);
                FloatVector x6 = FloatVector.fromArray(F, g, r + 6 * R);
                FloatVector x7 = FloatVector.fromArray(F, g, r + 7 * R);
                FloatVector x8 = FloatVector.fromArray(F, g, r + 8 * R);
                FloatVector x9 = FloatVector.fromArray(F, g, r + 9 * R);
                FloatVector x10 = FloatVector.fromArray(F, g, r + 10 * R);
                FloatVector x11 = FloatVector.fromArray(F, g, r + 11 * R);
                FloatVector x12 = FloatVector.fromArray(F, g, r + 12 * R);
                FloatVector x13 = FloatVector.fromArray(F, g, r + 13 * R);
                FloatVector x14 = FloatVector.fromArray(F, g, r + 14 * R);
                FloatVector x15 = FloatVector.fromArray(F, g, r + 15 * R);
                x0 = x0.mul(x0);
                x1 = x1.mul(x1);
                x2 = x2.mul(x2);
                x3 = x3.mul(x3);
                x4 = x4.mul(x4);
                x5 = x5.mul(x5);
                x6 = x6.mul(x6);
                x7 = x7.mul(x7);
                x8 = x8.mul(x8);
                x9 = x9.mul(x9);
                x10 = x10.mul(x10);
                x11 = x11.mul(x11);
                x12 = x12.mul(x12);
                x13 = x13.mul(x13);
                x14 = x14.mul(x14);
                x15 = x15.mul(x15);
                FloatVector s0 = x0.add(x8);
                FloatVector s1 = x1.add(x9);
                FloatVector s2 = x2.add(x10);
                FloatVector s3 = x3.add(x11);
                FloatVector s4 = x4.add(x12);
                FloatVector s5 = x5.add(x13);
                FloatVector s6 = x6.add(x14);
                FloatVector s7 = x7.add(x15);
                FloatVector t0 = s0.add(s4);
                FloatVector t1 = s1.add(s5);
                FloatVector t2 = s2.add(s6);
                FloatVector t3 = s3.add(s7);
                t0.add(t2).add(t1.add(t3)).intoArray(lanes, c);
            }
            NormTree.foldLanes(lanes, scratch.sums);
        }
        if (start < to) {
            NormTree.addBlocks(g, start, to, scratch);
        }
        // NormTree.finishSquares, with the all-zero check (a frozen layer, a masked head) in lanes: an OR
        // of the bits instead of the portable code's copied tree of magnitudes
        double sum = NormTree.laneSum(scratch);
        scratch.gradientsZero = false;
        if (NormTree.lanesHold(sum)) {
            return sum;
        }
        if (sum == 0 && allZero(g, from, to)) {
            scratch.gradientsZero = true;
            return 0;
        }
        return ExactSquares.squaresInDouble(g, from, to);
    }

    /** Doubles in vectors of the floats' size: a float vector converts into two of them (parts 0 and 1). */
    private static final VectorSpecies<Double> D =
            VectorSpecies.of(double.class, VectorShape.forBitSize(F.vectorBitSize()));

    /**
     * {@link ExactSquares#squaresInDouble} in double lanes, the same bits: element {@code from + k} in chain
     * {@code k % 8} (a float's square is exact in double, so each lane adds the same values in the same
     * order as its chain), a last group of eight in the eight chains, the tail in chain 0, the chains
     * added in the same tree. With 16 float lanes a double vector holds the eight chains; with 8, two
     * vectors hold chains 0-3 and 4-7; other widths run the portable loop.
     *
     * <p>Why lanes (issue 24): the portable loop converts each float with {@code vcvtss2sd}, which
     * keeps the upper half of its destination register, so the conversions into one register are a
     * chain; on the AMD EPYC (Zen 4) test machine that loop took 2.5-3x as long (~2,600 instead of
     * ~900 ns for six tensors of 768) when some Vector API loops had run before it, as the update of
     * AMSGrad in one loop had in every step. The floats are converted from this kernel's own species
     * ({@code F}): converting from another float shape made C2 box the update loops' vectors (the
     * conversions share the Vector API's type profiles with the update's reinterpretations).
     */
    private static double squaresInDoubleLanes(float[] g, int from, int to) {
        double s0;
        double s1;
        double s2;
        double s3;
        double s4;
        double s5;
        double s6;
        double s7;
        int i = from;
        if (LANES == 16) {
            DoubleVector chains = DoubleVector.zero(D);
            for (; i <= to - 16; i += 16) {
                FloatVector x = FloatVector.fromArray(F, g, i);
                DoubleVector a = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 0);
                DoubleVector b = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 1);
                chains = a.mul(a).add(chains);
                chains = b.mul(b).add(chains);
            }
            s0 = chains.lane(0);
            s1 = chains.lane(1);
            s2 = chains.lane(2);
            s3 = chains.lane(3);
            s4 = chains.lane(4);
            s5 = chains.lane(5);
            s6 = chains.lane(6);
            s7 = chains.lane(7);
        } else if (LANES == 8) {
            DoubleVector low = DoubleVector.zero(D);
            DoubleVector high = DoubleVector.zero(D);
            for (; i <= to - 8; i += 8) {
                FloatVector x = FloatVector.fromArray(F, g, i);
                DoubleVector a = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 0);
                DoubleVector b = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 1);
                low = a.mul(a).add(low);
                high = b.mul(b).add(high);
            }
            s0 = low.lane(0);
            s1 = low.lane(1);
            s2 = low.lane(2);
            s3 = low.lane(3);
            s4 = high.lane(0);
            s5 = high.lane(1);
            s6 = high.lane(2);
            s7 = high.lane(3);
        } else {
            return ExactSquares.squaresInDouble(g, from, to);
        }
        if (to - i >= 8) {
            double a0 = g[i];
            double a1 = g[i + 1];
            double a2 = g[i + 2];
            double a3 = g[i + 3];
            double a4 = g[i + 4];
            double a5 = g[i + 5];
            double a6 = g[i + 6];
            double a7 = g[i + 7];
            s0 += a0 * a0;
            s1 += a1 * a1;
            s2 += a2 * a2;
            s3 += a3 * a3;
            s4 += a4 * a4;
            s5 += a5 * a5;
            s6 += a6 * a6;
            s7 += a7 * a7;
            i += 8;
        }
        for (; i < to; i++) {
            double a = g[i];
            s0 += a * a;
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    @Override
    public boolean allZero(float[] a, int from, int to, NormScratch scratch) {
        return allZero(a, from, to);
    }

    /** True when every value of {@code [from, to)} is +0.0 or -0.0 (no magnitude bit set; a NaN has some). */
    private static boolean allZero(float[] g, int from, int to) {
        IntVector bits = IntVector.zero(I);
        int i = from;
        for (int bound = to - LANES; i <= bound; i += LANES) {
            bits = bits.or(FloatVector.fromArray(F, g, i).reinterpretAsInts());
        }
        int rest = 0;
        for (; i < to; i++) {
            rest |= Float.floatToRawIntBits(g[i]);
        }
        return ((bits.reduceLanes(VectorOperators.OR) | rest) & StepCoefficients.MAGNITUDE_BITS) == 0;
    }

    @Override
    public void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                       int from, int to, StepCoefficients c, boolean gradientsAboveFloor) {
        // every loop flushes in its lanes, which costs next to nothing beside the square root and division
        if (nuMax != null) {
            updateAmsgrad(param, grad, mu, nu, nuMax, from, to, c);
        } else if (c.plain) {
            updatePlain(param, grad, mu, nu, from, to, c);
        } else {
            updateGeneral(param, grad, mu, nu, from, to, c);
        }
    }

    private static void updatePlain(float[] param, float[] grad, float[] mu, float[] nu, int from, int to,
                                    StepCoefficients c) {
        FloatVector clip = FloatVector.broadcast(F, c.clip);
        FloatVector b1 = FloatVector.broadcast(F, c.b1);
        FloatVector oneMinusB1 = FloatVector.broadcast(F, c.oneMinusB1);
        FloatVector b2 = FloatVector.broadcast(F, c.b2);
        FloatVector oneMinusB2 = FloatVector.broadcast(F, c.oneMinusB2);
        FloatVector step = FloatVector.broadcast(F, c.step);
        FloatVector rbc2 = FloatVector.broadcast(F, c.rbc2);
        FloatVector eps = FloatVector.broadcast(F, c.eps);
        IntVector magnitude = IntVector.broadcast(I, StepCoefficients.MAGNITUDE_BITS);
        IntVector largestSubnormal = IntVector.broadcast(I, LARGEST_SUBNORMAL_BITS);
        int i = from;
        for (int bound = to - LANES; i <= bound; i += LANES) {
            FloatVector g = FloatVector.fromArray(F, grad, i).mul(clip);
            FloatVector m = oneMinusB1.mul(g).add(b1.mul(FloatVector.fromArray(F, mu, i)));
            FloatVector v = oneMinusB2.mul(g).mul(g).add(b2.mul(FloatVector.fromArray(F, nu, i)));
            // flush to +0 every lane whose exponent bits are all zero (subnormal or zero), in integer
            // arithmetic: x & ((LARGEST_SUBNORMAL_BITS - |x|) >> 31). In a policy-sized loop a compare
            // and blend cost 20-60% over no flush on JDK 17, this ~6%. Written out here, not in a helper:
            // a Vector API value that crosses a call C2 did not inline is boxed, which makes the loop a
            // hundred times slower.
            IntVector mb = m.reinterpretAsInts();
            mb.and(largestSubnormal.sub(mb.and(magnitude)).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(mu, i);
            IntVector vb = v.reinterpretAsInts();
            vb.and(largestSubnormal.sub(vb.and(magnitude)).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(nu, i);
            FloatVector p = FloatVector.fromArray(F, param, i);
            p.sub(step.mul(m).div(v.sqrt().mul(rbc2).add(eps))).intoArray(param, i);
        }
        if (i < to) {
            ScalarAdamKernel.updatePlainFlushingNu(param, grad, mu, nu, i, to, c);
            ScalarAdamKernel.flush(mu, i, to);
        }
    }

    /** {@link ScalarAdamKernel#generalMoments} and {@link ScalarAdamKernel#generalParametersFlushingNu} in one loop. */
    private static void updateGeneral(float[] param, float[] grad, float[] mu, float[] nu, int from, int to,
                                      StepCoefficients c) {
        FloatVector clip = FloatVector.broadcast(F, c.clip);
        FloatVector b1 = FloatVector.broadcast(F, c.b1);
        FloatVector oneMinusB1 = FloatVector.broadcast(F, c.oneMinusB1);
        FloatVector b2 = FloatVector.broadcast(F, c.b2);
        FloatVector oneMinusB2 = FloatVector.broadcast(F, c.oneMinusB2);
        FloatVector muScale = FloatVector.broadcast(F, c.muScale);
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale);
        FloatVector nuScale = FloatVector.broadcast(F, c.nuScale);
        FloatVector epsRoot = FloatVector.broadcast(F, c.epsRoot);
        FloatVector eps = FloatVector.broadcast(F, c.eps);
        FloatVector lr = FloatVector.broadcast(F, c.lr);
        FloatVector wd = FloatVector.broadcast(F, c.weightDecay);
        IntVector magnitude = IntVector.broadcast(I, StepCoefficients.MAGNITUDE_BITS);
        IntVector largestSubnormal = IntVector.broadcast(I, LARGEST_SUBNORMAL_BITS);
        int i = from;
        for (int bound = to - LANES; i <= bound; i += LANES) {
            FloatVector g = FloatVector.fromArray(F, grad, i).mul(clip);
            FloatVector m = oneMinusB1.mul(g).add(b1.mul(FloatVector.fromArray(F, mu, i)));
            FloatVector v = oneMinusB2.mul(g).mul(g).add(b2.mul(FloatVector.fromArray(F, nu, i)));
            IntVector mb = m.reinterpretAsInts();
            mb.and(largestSubnormal.sub(mb.and(magnitude)).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(mu, i);
            IntVector vb = v.reinterpretAsInts();
            vb.and(largestSubnormal.sub(vb.and(magnitude)).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(nu, i);
            FloatVector mhat = muScale.mul(m).add(gradScale.mul(g));
            FloatVector u = mhat.div(nuScale.mul(v).add(epsRoot).sqrt().add(eps));
            FloatVector p = FloatVector.fromArray(F, param, i);
            p.sub(lr.mul(u.add(wd.mul(p)))).intoArray(param, i);
        }
        if (i < to) {
            ScalarAdamKernel.generalMoments(grad, mu, nu, i, to, c);
            ScalarAdamKernel.generalParametersFlushingNu(param, grad, mu, nu, i, to, c);
            ScalarAdamKernel.flush(mu, i, to);
        }
    }

    /**
     * AMSGrad: without Nesterov and with epsRoot 0 ({@link StepCoefficients#amsgradInOneLoop}) one loop
     * without those zero terms, as {@link ScalarAdamKernel#updateAmsgrad}; otherwise
     * {@link ScalarAdamKernel#amsgradMomentsFlushingNu} and {@link ScalarAdamKernel#amsgradParametersFlushingMaximum}
     * as two loops as there: in one loop with every term C2 (JDK 17) ran out of inlining budget for
     * this many vector operations and boxed the vectors of the last ones. The one loop took the
     * policy's AMSGrad step from 1.4-1.5x to 1.2x the plain step (docs/benchmarks.md, issue 24), once
     * the short norms no longer ran the portable loop after it ({@link #squaresInDoubleLanes}).
     */
    private static void updateAmsgrad(float[] param, float[] grad, float[] mu, float[] nu, float[] nuMax,
                                      int from, int to, StepCoefficients c) {
        if (c.amsgradInOneLoop) {
            amsgradInOneLoop(param, grad, mu, nu, nuMax, from, to, c);
            return;
        }
        amsgradMoments(grad, mu, nu, nuMax, from, to, c);
        amsgradParameters(param, grad, mu, nuMax, from, to, c);
    }

    /**
     * {@link ScalarAdamKernel#updateAmsgrad} in lanes, every stored moment flushed: one pass over the
     * five arrays, the moments' arithmetic beside the square root and the division.
     */
    private static void amsgradInOneLoop(float[] param, float[] grad, float[] mu, float[] nu, float[] nuMax,
                                         int from, int to, StepCoefficients c) {
        FloatVector clip = FloatVector.broadcast(F, c.clip);
        FloatVector b1 = FloatVector.broadcast(F, c.b1);
        FloatVector oneMinusB1 = FloatVector.broadcast(F, c.oneMinusB1);
        FloatVector b2 = FloatVector.broadcast(F, c.b2);
        FloatVector oneMinusB2 = FloatVector.broadcast(F, c.oneMinusB2);
        FloatVector nuScale = FloatVector.broadcast(F, c.nuScale);
        FloatVector muScale = FloatVector.broadcast(F, c.muScale);
        FloatVector eps = FloatVector.broadcast(F, c.eps);
        FloatVector lr = FloatVector.broadcast(F, c.lr);
        FloatVector wd = FloatVector.broadcast(F, c.weightDecay);
        IntVector magnitude = IntVector.broadcast(I, StepCoefficients.MAGNITUDE_BITS);
        IntVector largestSubnormal = IntVector.broadcast(I, LARGEST_SUBNORMAL_BITS);
        int i = from;
        for (int bound = to - LANES; i <= bound; i += LANES) {
            FloatVector g = FloatVector.fromArray(F, grad, i).mul(clip);
            FloatVector m = oneMinusB1.mul(g).add(b1.mul(FloatVector.fromArray(F, mu, i)));
            FloatVector v = oneMinusB2.mul(g).mul(g).add(b2.mul(FloatVector.fromArray(F, nu, i)));
            // the running maximum as amsgradMoments takes it (int lanes order these floats as Math.max does)
            IntVector hb = FloatVector.fromArray(F, nuMax, i).reinterpretAsInts().max(nuScale.mul(v).reinterpretAsInts());
            IntVector mb = m.reinterpretAsInts();
            mb.and(largestSubnormal.sub(mb.and(magnitude)).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(mu, i);
            IntVector vb = v.reinterpretAsInts();
            vb.and(largestSubnormal.sub(vb).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(nu, i);
            hb.and(largestSubnormal.sub(hb).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(nuMax, i);
            FloatVector u = muScale.mul(m).div(hb.reinterpretAsFloats().sqrt().add(eps));
            FloatVector p = FloatVector.fromArray(F, param, i);
            p.sub(lr.mul(u.add(wd.mul(p)))).intoArray(param, i);
        }
        if (i < to) {
            ScalarAdamKernel.amsgradMomentsFlushingNu(grad, mu, nu, nuMax, i, to, c);
            ScalarAdamKernel.amsgradParametersFlushingMaximum(param, grad, mu, nuMax, i, to, c);
            ScalarAdamKernel.flush(mu, i, to);
        }
    }

    /** Moments: mu and the running maximum as computed (the parameters read them), nu flushed. */
    private static void amsgradMoments(float[] grad, float[] mu, float[] nu, float[] nuMax, int from, int to,
                                       StepCoefficients c) {
        FloatVector clip = FloatVector.broadcast(F, c.clip);
        FloatVector b1 = FloatVector.broadcast(F, c.b1);
        FloatVector oneMinusB1 = FloatVector.broadcast(F, c.oneMinusB1);
        FloatVector b2 = FloatVector.broadcast(F, c.b2);
        FloatVector oneMinusB2 = FloatVector.broadcast(F, c.oneMinusB2);
        FloatVector nuScale = FloatVector.broadcast(F, c.nuScale);
        IntVector magnitude = IntVector.broadcast(I, StepCoefficients.MAGNITUDE_BITS);
        IntVector largestSubnormal = IntVector.broadcast(I, LARGEST_SUBNORMAL_BITS);
        int i = from;
        for (int bound = to - LANES; i <= bound; i += LANES) {
            FloatVector g = FloatVector.fromArray(F, grad, i).mul(clip);
            oneMinusB1.mul(g).add(b1.mul(FloatVector.fromArray(F, mu, i))).intoArray(mu, i);
            FloatVector v = oneMinusB2.mul(g).mul(g).add(b2.mul(FloatVector.fromArray(F, nu, i)));
            IntVector vb = v.reinterpretAsInts();
            vb.and(largestSubnormal.sub(vb.and(magnitude)).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(nu, i);
            // both operands are +0.0 or more (or a restored -0.0) and never NaN, whose bits order as
            // ints do, so the integer lane max is Math.max
            FloatVector.fromArray(F, nuMax, i).reinterpretAsInts().max(nuScale.mul(v).reinterpretAsInts())
                    .reinterpretAsFloats().intoArray(nuMax, i);
        }
        if (i < to) {
            ScalarAdamKernel.amsgradMomentsFlushingNu(grad, mu, nu, nuMax, i, to, c);
        }
    }

    /** Parameters from the new moments; mu and the running maximum flushed. */
    private static void amsgradParameters(float[] param, float[] grad, float[] mu, float[] nuMax, int from, int to,
                                          StepCoefficients c) {
        FloatVector clip = FloatVector.broadcast(F, c.clip);
        FloatVector muScale = FloatVector.broadcast(F, c.muScale);
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale);
        FloatVector epsRoot = FloatVector.broadcast(F, c.epsRoot);
        FloatVector eps = FloatVector.broadcast(F, c.eps);
        FloatVector lr = FloatVector.broadcast(F, c.lr);
        FloatVector wd = FloatVector.broadcast(F, c.weightDecay);
        IntVector magnitude = IntVector.broadcast(I, StepCoefficients.MAGNITUDE_BITS);
        IntVector largestSubnormal = IntVector.broadcast(I, LARGEST_SUBNORMAL_BITS);
        int i = from;
        for (int bound = to - LANES; i <= bound; i += LANES) {
            FloatVector m = FloatVector.fromArray(F, mu, i);
            FloatVector vhat = FloatVector.fromArray(F, nuMax, i);
            FloatVector mhat = muScale.mul(m).add(gradScale.mul(FloatVector.fromArray(F, grad, i).mul(clip)));
            FloatVector u = mhat.div(vhat.add(epsRoot).sqrt().add(eps));
            FloatVector p = FloatVector.fromArray(F, param, i);
            p.sub(lr.mul(u.add(wd.mul(p)))).intoArray(param, i);
            IntVector mb = m.reinterpretAsInts();
            mb.and(largestSubnormal.sub(mb.and(magnitude)).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(mu, i);
            IntVector hb = vhat.reinterpretAsInts();
            hb.and(largestSubnormal.sub(hb.and(magnitude)).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().intoArray(nuMax, i);
        }
        if (i < to) {
            ScalarAdamKernel.amsgradParametersFlushingMaximum(param, grad, mu, nuMax, i, to, c);
            ScalarAdamKernel.flush(mu, i, to);
        }
    }
}
