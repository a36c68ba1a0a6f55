package io.github.skrl4j.adam.internal.kernel

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.Inputs
import io.github.skrl4j.adam.Scenarios
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.assertBitIdentical
import io.github.skrl4j.adam.extremeValues
import io.github.skrl4j.adam.properties
import io.github.skrl4j.adam.seeded
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.within
import org.junit.jupiter.api.Test
import java.util.Random
import kotlin.math.abs
import kotlin.math.sqrt

/**
 * The portable and the vector kernel as properties over random layouts, settings and step counts:
 * the same coefficients give the same parameters and moments bit for bit, however a tensor is split
 * into ranges and whether one thread or two run the steps. (The tests run with
 * `--add-modules jdk.incubator.vector`, see the pom, so this JVM's kernel is the vector one.)
 */
class KernelEquivalencePropertiesTest {

    private val portable: AdamKernel = ScalarAdamKernel.INSTANCE

    private val vector: AdamKernel = checkNotNull(AdamKernels.vectorKernelOrNull()) {
        "the vector kernel (tests run with --add-modules jdk.incubator.vector)"
    }

    /** Layouts that also hold tensors around the norm's chunk, so that it is split into several. */
    private val scenarios = Scenarios.wide(listOf(StepPasses.CHUNK - 1, StepPasses.CHUNK + 1, 2 * StepPasses.CHUNK + 17))

    @Test
    fun `the vector kernel over any split of a tensor updates like the portable kernel over the whole`() = properties {
        checkAll(seeded(0x7EC7_0001, 200), Scenarios.wide(), Arb.long()) { s, splitSeed ->
            val config = s.config()
            val r = Random(s.seed)
            val splits = Random(splitSeed)
            val byPortable = s.sizes().map { n -> RestoredState(r, n, config.amsgrad()) }
            val byVector = byPortable.map { it.copy() }
            val c = StepCoefficients()
            for (count in 1L..s.steps) {
                // any clip factor in (0, 1], half of the time none; any lr, 0 included
                val clipFactor = if (r.nextBoolean()) 1.0 else 1 - r.nextDouble()
                val lr = if (r.nextInt(8) == 0) 0.0 else Math.pow(10.0, -1 - 4 * r.nextDouble())
                c.set(config.settings(), count, clipFactor, lr)
                for (t in byPortable.indices) {
                    val n = byPortable[t].param.size
                    // half of the time gradients above the floor, where the portable kernel leaves out the flush
                    val grad = if (r.nextBoolean()) extremeValues(r, n, Math.pow(10.0, -3 + 5 * r.nextDouble()))
                    else FloatArray(n) { Math.scalb(1f + r.nextFloat(), r.nextInt(60) - 40) * (if (r.nextBoolean()) 1 else -1) }
                    byPortable[t].update(portable, grad, 0, n, c)
                    for (range in ranges(n, splits)) {
                        byVector[t].update(vector, grad, range.first, range.last + 1, c)
                    }
                    byVector[t].assertBitIdentical("step $count tensor $t", byPortable[t])
                }
            }
            byPortable.forEach { it.assertNoSubnormalMoments() }
        }
    }

    @Test
    fun `steps at parallelism 1 and 2 are the portable kernel's updates with the optimizer's coefficients`() = properties {
        assertThat(AdamKernels.defaultKernel().name()).startsWith("vector-")
        val covered = mutableSetOf<String>()
        checkAll(seeded(0x7EC7_0002, 50), scenarios) { s ->
            val config = s.config()
            val inputs = Inputs(s)
            val sizes = s.sizes()
            if (sizes.any { it >= s.parallelThreshold }) covered += "a tensor split across two threads"
            if (sizes.any { it > StepPasses.CHUNK }) covered += "a norm of several chunks"
            covered += if (config.amsgrad()) "amsgrad" else if (config.nesterov()) "nesterov" else "adam"
            covered += if (config.epsRoot() == 0.0 && config.weightDecay() == 0.0) "no epsRoot or weight decay" else "epsRoot or weight decay"
            val runs = listOf(1, 2).map { parallelism -> OptimizerRun(config.toBuilder().parallelism(parallelism).build(), inputs) }
            assertThat(runs[1].norms).isEqualTo(runs[0].norms)

            // the portable kernel over whole tensors, with the clip factor Optax's clip_by_global_norm
            // takes from the optimizer's norm (a norm summed over other ranges differs from it only in rounding)
            val state = inputs.initialParams.map { RestoredState(it.data().clone(), config.amsgrad()) }
            val c = StepCoefficients()
            for (i in 0 until inputs.steps) {
                val grad = inputs.grads[i]
                val norm = runs[0].norms[i]
                val portableNorm = sqrt(grad.sumOf { portable.sumOfSquares(it.data(), 0, it.size(), NormScratch()) })
                // the kernels sum long ranges' squares in float lanes, folded into double per block, so a
                // norm summed chunk by chunk and one summed tensor by tensor agree to float rounding
                assertThat(norm).isCloseTo(portableNorm, within(1e-6 * portableNorm))
                val clipFactor = if (config.clips() && !(norm < config.gradNormClip())) config.gradNormClip() / norm else 1.0
                if (clipFactor < 1) covered += "clipped"
                c.set(config.settings(), i + 1L, clipFactor, if (config.scale()) config.lr() else inputs.stepLrs[i])
                state.forEachIndexed { t, tensor -> tensor.update(portable, grad[t].data(), 0, tensor.param.size, c) }
            }

            for ((parallelism, run) in listOf(1, 2).zip(runs)) {
                for (t in state.indices) {
                    val name = "parallelism $parallelism '${run.params[t].name()}'"
                    assertBitIdentical("$name param", run.params[t].data(), state[t].param)
                    assertBitIdentical("$name mu", run.state.mu()[t].data(), state[t].mu)
                    assertBitIdentical("$name nu", run.state.nu()[t].data(), state[t].nu)
                    state[t].nuMax?.let { assertBitIdentical("$name nuMax", run.state.nuMax()[t].data(), it) }
                }
            }
        }
        assertThat(covered).containsExactlyInAnyOrder("a tensor split across two threads", "a norm of several chunks",
            "amsgrad", "nesterov", "adam", "no epsRoot or weight decay", "epsRoot or weight decay", "clipped")
    }

    /** The steps of [inputs] through the public API, with the norm of every step. */
    private class OptimizerRun(config: Adam, inputs: Inputs) {
        val params: Tensors = inputs.initialParams.copy()
        val norms = DoubleArray(inputs.steps)
        val state = config.init(params).use { optimizer ->
            for (i in 0 until inputs.steps) {
                inputs.run(optimizer, params, i, i + 1)
                norms[i] = optimizer.lastGradientNorm()
            }
            optimizer.state()
        }
    }

    /** One tensor's parameter and moments, updated in place by a kernel. */
    private class RestoredState(val param: FloatArray, val mu: FloatArray, val nu: FloatArray, val nuMax: FloatArray?) {

        /** A fresh optimizer's state: zero moments. */
        constructor(param: FloatArray, amsgrad: Boolean) :
            this(param, FloatArray(param.size), FloatArray(param.size), if (amsgrad) FloatArray(param.size) else null)

        /**
         * A state as a checkpoint may hold it: any parameters, moments from the whole float range
         * including -0.0 and subnormals (which the kernels flush), second moments >= 0.
         */
        constructor(r: Random, n: Int, amsgrad: Boolean) : this(
            extremeValues(r, n, 1.0),
            extremeValues(r, n, 1e-4),
            extremeValues(r, n, 1e-8).map { abs(it) }.toFloatArray(),
            if (amsgrad) extremeValues(r, n, 1e-8).map { abs(it) }.toFloatArray() else null,
        )

        fun copy() = RestoredState(param.clone(), mu.clone(), nu.clone(), nuMax?.clone())

        /** The update of [kernel], told what the portable norm pass found about the range's gradients. */
        fun update(kernel: AdamKernel, grad: FloatArray, from: Int, to: Int, c: StepCoefficients) {
            val scratch = NormScratch()
            ScalarAdamKernel.INSTANCE.sumOfSquares(grad, from, to, scratch)
            kernel.update(param, grad, mu, nu, nuMax, from, to, c, scratch.gradientsAboveFloor)
        }

        fun assertBitIdentical(what: String, expected: RestoredState) {
            assertBitIdentical("$what param", param, expected.param)
            assertBitIdentical("$what mu", mu, expected.mu)
            assertBitIdentical("$what nu", nu, expected.nu)
            expected.nuMax?.let { assertBitIdentical("$what nuMax", nuMax!!, it) }
        }

        fun assertNoSubnormalMoments() {
            for (moments in listOfNotNull(mu, nu, nuMax)) {
                KernelEquivalenceTest.assertNoSubnormals(moments)
            }
        }
    }

    private companion object {
        /** Cache-line-sized alignment of the parallel passes' split points. */
        const val ALIGN = 64

        /**
         * How a step may cut a tensor of [n] elements into ranges: whole (one thread), in two at a
         * multiple of [ALIGN] (two threads), or at up to four random points.
         */
        fun ranges(n: Int, r: Random): List<IntRange> {
            val cuts = when (r.nextInt(3)) {
                0 -> emptyList()
                1 -> listOf(n / 2 - n / 2 % ALIGN)
                else -> List(1 + r.nextInt(4)) { r.nextInt(n + 1) }
            }
            val bounds = (listOf(0, n) + cuts).distinct().sorted()
            return bounds.zipWithNext { from, to -> from until to }
        }
    }
}
