package io.github.skrl4j.adam

import io.github.skrl4j.adam.testing.ReferenceAdam
import io.kotest.property.Arb
import io.kotest.property.arbitrary.double
import io.kotest.property.arbitrary.element
import io.kotest.property.arbitrary.int
import io.kotest.property.checkAll
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.within
import org.junit.jupiter.api.Test
import java.util.Random
import kotlin.math.abs
import kotlin.math.max
import kotlin.math.sqrt

/**
 * The fused float32 kernel against the readable double-precision [ReferenceAdam], on random
 * layouts, settings and step counts, plus invariants that follow from Optax's formulas.
 */
class AdamPropertiesTest {

    @Test
    fun `the kernel matches the reference pipeline`() = properties {
        checkAll(seeded(0x0A11CE, 300), Scenarios.small) { s ->
            val config = s.config()
            val r = Random(s.seed)
            val params = s.params(r)
            val initial = params.copy()
            val reference = ReferenceAdam(config, arrays(params))
            val optimizer = config.init(params)
            val gradScale = Math.pow(10.0, -3 + 5 * r.nextDouble())
            // the moments' float32 rounding is relative to the largest values that passed through them
            val muSeen = DoubleArray(params.size())
            val nuSeen = DoubleArray(params.size())

            repeat(s.steps) {
                val grad = s.grads(r, gradScale)
                val stepLr = 1e-3 * (1 + r.nextInt(10))
                if (config.scale()) optimizer.step(grad, params) else optimizer.step(grad, params, stepLr)
                reference.step(arrays(grad), stepLr)
                for (t in 0 until params.size()) {
                    muSeen[t] = max(muSeen[t], maxAbs(reference.mu()[t]))
                    nuSeen[t] = max(nuSeen[t], maxAbs(reference.nu[t]))
                }
                assertThat(optimizer.lastGradientNorm()).isCloseTo(reference.lastNorm(), within(1e-9 * reference.lastNorm()))
            }

            assertThat(optimizer.count()).isEqualTo(reference.count())
            val state = optimizer.state()
            for (t in 0 until params.size()) {
                val start = initial[t].data()
                val expected = reference.params[t]
                var moved = 0.0
                var largest = 0.0
                for (i in expected.indices) {
                    moved = max(moved, abs(expected[i] - start[i]))
                    largest = max(largest, abs(expected[i]))
                }
                // float32 rounds each of the s.steps updates and the parameter itself
                val tolerance = 2e-4 * moved + 4e-7 * largest * s.steps + 1e-9
                assertClose("params $t", expected, params[t].data(), tolerance)
                val momentRounding = 1e-5 + 1e-6 * s.steps
                assertClose("mu $t", reference.mu()[t], state.mu()[t].data(), momentRounding * muSeen[t] + 1e-30)
                assertClose("nu $t", reference.nu[t], state.nu()[t].data(), momentRounding * nuSeen[t] + 1e-30)
                if (config.amsgrad()) {
                    assertClose("nuMax $t", reference.nuMax()[t], state.nuMax()[t].data(),
                        momentRounding * maxAbs(reference.nuMax()[t]) + 1e-30)
                }
            }
        }
    }

    @Test
    fun `a clipped gradient has the clip value as its global norm`() = properties {
        checkAll(seeded(0xC11B, 200), Scenarios.small, Arb.double(0.01, 10.0, includeNaNs = false)) { s, clip ->
            val config = Adam.builder().gradNormClip(clip).b1(0.5).build()
            val r = Random(s.seed)
            val params = s.params(r)
            val grad = s.grads(r, 100 * clip)
            val norm = norm(grad)
            var event: StepEvent? = null
            config.init(params.copy()).addListener { event = it.snapshot() }.step(grad, params.copy())

            // after one step mu = (1 - b1) * clipped gradient, so its norm tells the clipped norm
            val fresh = config.init(params.copy())
            fresh.step(grad, params.copy())
            val clippedNorm = norm(fresh.state().mu()) / 0.5
            if (norm >= clip) {
                assertThat(event!!.clipped()).isTrue()
                assertThat(clippedNorm).isCloseTo(clip, within(1e-6 * clip))
            } else {
                assertThat(event!!.clipped()).isFalse()
                assertThat(clippedNorm).isCloseTo(norm, within(1e-6 * norm + 1e-30))
            }
        }
    }

    @Test
    fun `zero gradients without weight decay never move a parameter`() = properties {
        checkAll(seeded(0x2E80, 100), Scenarios.small, Arb.int(1..20)) { s, steps ->
            val config = s.config().toBuilder().weightDecay(0.0).scale(true).build()
            val r = Random(s.seed)
            val params = s.params(r)
            val before = params.copy()
            val optimizer = config.init(params)
            repeat(steps) { optimizer.step(s.grads(r, 0.0), params) }
            assertThat(params.contentEquals(before)).isTrue()
            assertThat(optimizer.count()).isEqualTo(steps.toLong())
            assertThat(optimizer.lastGradientNorm()).isZero()
        }
    }

    @Test
    fun `the first step moves each parameter by lr times g over abs g plus eps`() = properties {
        checkAll(seeded(0xF125, 200), Scenarios.small) { s ->
            val config = s.config().toBuilder().gradNormClip(0.0).weightDecay(0.0).epsRoot(0.0).nesterov(false)
                .scale(true).build()
            val r = Random(s.seed)
            val params = s.params(r)
            val before = params.copy()
            val grad = s.grads(r, Math.pow(10.0, -4 + 4 * r.nextDouble()))
            config.init(params).step(grad, params)
            for (t in 0 until params.size()) {
                val g = grad[t].data()
                for (i in g.indices) {
                    val p0 = before[t].data()[i]
                    val expected = -config.lr() * g[i] / (abs(g[i]) + config.eps())
                    val actual = params[t].data()[i].toDouble() - p0
                    // the difference of two floats near p0 is exact only to p0's ulp
                    assertThat(actual).isCloseTo(expected, within(1e-6 * abs(expected) + 1.5 * Math.ulp(p0)))
                }
            }
        }
    }

    @Test
    fun `scale false with the same lr is bit-identical to scale true`() = properties {
        checkAll(seeded(0x5CA1E, 100), Scenarios.small) { s ->
            val scaled = s.config().toBuilder().scale(true).build()
            val unscaled = scaled.toBuilder().scale(false).build()
            val r = Random(s.seed)
            val a = s.params(r)
            val b = a.copy()
            val oa = scaled.init(a)
            val ob = unscaled.init(b)
            repeat(s.steps) {
                val grad = s.grads(r, 1.0)
                oa.step(grad, a)
                ob.step(grad, b, scaled.lr())
            }
            assertBitIdentical("params", b, a)
            assertBitIdentical("state", ob.state(), oa.state())
        }
    }

    @Test
    fun `a skipped non-finite step changes nothing`() = properties {
        val nonFinite = Arb.element(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)
        checkAll(seeded(0x5119, 100), Scenarios.small, nonFinite) { s, bad ->
            val config = s.config().toBuilder().scale(true).nonFinitePolicy(NonFinitePolicy.SKIP).build()
            val r = Random(s.seed)
            val params = s.params(r)
            val optimizer = config.init(params)
            optimizer.step(s.grads(r, 1.0), params)
            val before = params.copy()
            val stateBefore = optimizer.state()

            val grad = s.grads(r, 1.0)
            val victim = grad[r.nextInt(grad.size())]
            victim.data()[r.nextInt(victim.size())] = bad
            optimizer.step(grad, params)

            assertBitIdentical("params", params, before)
            assertThat(optimizer.count()).isEqualTo(1)
            assertThat(optimizer.skippedSteps()).isEqualTo(1)
            assertBitIdentical("state", optimizer.state(), stateBefore)
        }
    }

    private fun assertClose(what: String, expected: DoubleArray, actual: FloatArray, tolerance: Double) {
        for (i in expected.indices) {
            if (abs(actual[i] - expected[i]) > tolerance) {
                throw AssertionError("$what[$i]: expected ${expected[i]} but was ${actual[i]} (tolerance $tolerance)")
            }
        }
    }

    private fun maxAbs(a: DoubleArray) = a.maxOfOrNull { abs(it) } ?: 0.0

    private fun norm(tensors: Tensors) = sqrt(tensors.sumOf { t -> t.data().sumOf { it.toDouble() * it } })

    private fun arrays(tensors: Tensors): Array<FloatArray> = tensors.map { it.data() }.toTypedArray()
}
