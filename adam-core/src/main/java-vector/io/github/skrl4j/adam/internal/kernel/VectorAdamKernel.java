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
 * boot layer ({@code --add-modules jdk.incubator.vector}). It exists for the two things C2 does not
 * vectorize on JDK 17: the float-to-double squares of the norm pass, and the flush of subnormal
 * moments, which here is a few integer lane operations inside the update loop instead of a scalar sweep.
 *
 * <p>The update is operation for operation the one of {@link ScalarAdamKernel} (no fused
 * multiply-add), so both give bit-identical parameters and moments; only the norm's summation order
 * differs (lanes and fused multiply-adds), within double rounding.
 *
 * <p>Compiled separately (src/main/java-vector) with the incubator module; loaded only reflectively.
 */
final class VectorAdamKernel implements AdamKernel {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D =
            VectorSpecies.of(double.class, VectorShape.forBitSize(F.vectorBitSize()));
    private static final int LANES = F.length();
    /** Floats that widen to one full-width double vector. */
    private static final VectorSpecies<Float> H =
            VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final int HALF_LANES = H.length();
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
    public double sumOfSquares(float[] g, int from, int to) {
        // half-width float loads widened to full-width doubles (part 0 of the conversion, the cheap
        // one on JDK 17), four accumulators to hide the FMA latency
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        int i = from;
        for (int bound = to - 4 * HALF_LANES; i <= bound; i += 4 * HALF_LANES) {
            DoubleVector x0 = (DoubleVector) FloatVector.fromArray(H, g, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector x1 = (DoubleVector) FloatVector.fromArray(H, g, i + HALF_LANES)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector x2 = (DoubleVector) FloatVector.fromArray(H, g, i + 2 * HALF_LANES)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector x3 = (DoubleVector) FloatVector.fromArray(H, g, i + 3 * HALF_LANES)
                    .convertShape(VectorOperators.F2D, D, 0);
            a0 = x0.fma(x0, a0);
            a1 = x1.fma(x1, a1);
            a2 = x2.fma(x2, a2);
            a3 = x3.fma(x3, a3);
        }
        double s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            double a = g[i];
            s += a * a;
        }
        return s;
    }

    @Override
    public void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                       int from, int to, StepCoefficients c) {
        if (nuMax == null && c.plain) {
            updatePlain(param, grad, mu, nu, from, to, c);
        } else {
            // the rarer settings: the portable loops (C2 vectorizes them) and their flush sweep
            ScalarAdamKernel.INSTANCE.update(param, grad, mu, nu, nuMax, from, to, c);
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
            ScalarAdamKernel.updatePlain(param, grad, mu, nu, i, to, c);
            ScalarAdamKernel.flushSubnormals(mu, i, to);
            ScalarAdamKernel.flushSubnormals(nu, i, to);
        }
    }
}
