package io.github.skrl4j.adam

import io.kotest.property.Arb
import io.kotest.property.arbitrary.enum
import io.kotest.property.arbitrary.int
import io.kotest.property.checkAll
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.catchThrowable
import org.junit.jupiter.api.Test
import java.util.Random

/**
 * A refused step changes nothing, as a property over random layouts, settings, step counts and bad
 * inputs: the documented exception, and afterwards the same parameters, moments, count and
 * statistics bit for bit, so that the next good step is exactly the one of an optimizer that never
 * saw the bad input.
 */
class RejectedStepPropertiesTest {

    /** The ways a step can be refused, with the exception [Optimizer.step] documents for each. */
    enum class BadInput(val error: Class<out RuntimeException>) {
        GRADIENT_OF_ANOTHER_SHAPE(IllegalArgumentException::class.java),
        GRADIENT_OF_ANOTHER_SIZE(IllegalArgumentException::class.java),
        GRADIENT_MISSING_A_TENSOR(IllegalArgumentException::class.java),
        GRADIENT_WITH_AN_UNKNOWN_TENSOR(IllegalArgumentException::class.java),
        GRADIENT_WITH_A_RENAMED_TENSOR(IllegalArgumentException::class.java),
        MODEL_OF_ANOTHER_SHAPE(IllegalArgumentException::class.java),
        MODEL_MISSING_A_TENSOR(IllegalArgumentException::class.java),
        NON_FINITE_GRADIENT(NonFiniteGradientException::class.java),
        BAD_STEP_LR(IllegalArgumentException::class.java),
        BAD_SCHEDULED_LR(IllegalArgumentException::class.java),
        LR_GIVEN_TO_A_SCALED_OPTIMIZER(IllegalStateException::class.java),
        LR_MISSING_FOR_AN_UNSCALED_OPTIMIZER(IllegalStateException::class.java),
        CLOSED_OPTIMIZER(IllegalStateException::class.java),
    }

    /** What an optimizer shows of itself, to compare before and after. */
    private data class Observed(
        val count: Long, val skippedSteps: Long, val lastGradientNorm: Double, val lastLearningRate: Double,
    ) {
        constructor(o: Optimizer) : this(o.count(), o.skippedSteps(), o.lastGradientNorm(), o.lastLearningRate())
    }

    /** Records what the listeners hear. */
    private class Heard : StepListener {
        val steps = mutableListOf<Long>()
        val rejections = mutableListOf<Triple<String, Long, RuntimeException>>()
        override fun onStep(event: StepEvent) {
            steps += event.count()
        }
        override fun onRejected(optimizerName: String, count: Long, error: RuntimeException) {
            rejections += Triple(optimizerName, count, error)
        }
    }

    @Test
    fun `a refused step changes nothing`() = properties {
        val tried = mutableSetOf<BadInput>()
        checkAll(seeded(0x2EF0_0001, 200), Scenarios.wide(), Arb.enum<BadInput>(), Arb.int(0..3)) { s, bad, warmUp ->
            tried += bad
            val r = Random(s.seed xor bad.ordinal.toLong())
            var scheduleRefuses = false
            val badLr = listOf(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1e-9 - r.nextDouble())[r.nextInt(4)]
            val config = s.config().toBuilder().name("refusing").apply {
                when (bad) {
                    BadInput.BAD_STEP_LR, BadInput.LR_MISSING_FOR_AN_UNSCALED_OPTIMIZER -> scale(false)
                    BadInput.LR_GIVEN_TO_A_SCALED_OPTIMIZER -> scale(true)
                    BadInput.BAD_SCHEDULED_LR -> {
                        val lr = s.config().lr()
                        scale(true).lr(LearningRateSchedule { if (scheduleRefuses) badLr else lr })
                    }
                    else -> {}
                }
            }.build()
            val inputs = Inputs(s, steps = warmUp + 1)
            val params = inputs.initialParams.copy()
            val twinParams = inputs.initialParams.copy()
            val heard = Heard()
            config.init(params).use { optimizer ->
                config.init(twinParams).use { twin ->
                    inputs.run(optimizer, params, 0, warmUp)
                    inputs.run(twin, twinParams, 0, warmUp)
                    optimizer.addListener(heard)
                    val paramsBefore = params.copy()
                    val stateBefore = optimizer.state()
                    val observedBefore = Observed(optimizer)
                    val grad = inputs.grads[warmUp]
                    val lr = inputs.stepLrs[warmUp]

                    fun step(g: Tensors, model: Model) {
                        if (optimizer.config().scale()) optimizer.step(g, model) else optimizer.step(g, model, lr)
                    }
                    // a NaN or an infinity at a random place of the gradient (an unknown tensor when it has no place)
                    val poisoned = grad.copy()
                    val victim = poisoned.filter { it.size() > 0 }.let { if (it.isEmpty()) null else it[r.nextInt(it.size)] }
                    val index = victim?.let { r.nextInt(it.size()) } ?: 0
                    val value = listOf(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)[r.nextInt(3)]
                    victim?.data()?.set(index, value)

                    val error = catchThrowable {
                        when (bad) {
                            BadInput.GRADIENT_OF_ANOTHER_SHAPE ->
                                step(replaceOne(grad, r) { Tensor.of(it.name(), it.data(), *(it.shape() + 1)) }, params)
                            BadInput.GRADIENT_OF_ANOTHER_SIZE ->
                                step(replaceOne(grad, r) { Tensor.of(it.name(), FloatArray(it.size() + 1), it.size() + 1) }, params)
                            BadInput.GRADIENT_MISSING_A_TENSOR -> step(withoutOne(grad, r), params)
                            BadInput.GRADIENT_WITH_AN_UNKNOWN_TENSOR ->
                                step(Tensors.of(grad.asList() + Tensor.of("unknown/t", FloatArray(1), 1)), params)
                            BadInput.GRADIENT_WITH_A_RENAMED_TENSOR ->
                                step(replaceOne(grad, r) { it.renamed(it.name() + "'") }, params)
                            BadInput.MODEL_OF_ANOTHER_SHAPE ->
                                step(grad, replaceOne(params, r) { Tensor.of(it.name(), it.data(), *(it.shape() + 1)) })
                            BadInput.MODEL_MISSING_A_TENSOR -> step(grad, withoutOne(params, r))
                            BadInput.NON_FINITE_GRADIENT ->
                                step(if (victim != null) poisoned else Tensors.of(grad.asList() + Tensor.of("t", floatArrayOf(value), 1)), params)
                            BadInput.BAD_STEP_LR -> optimizer.step(grad, params, badLr)
                            BadInput.LR_GIVEN_TO_A_SCALED_OPTIMIZER -> optimizer.step(grad, params, lr)
                            BadInput.BAD_SCHEDULED_LR -> {
                                scheduleRefuses = true
                                optimizer.step(grad, params)
                            }
                            BadInput.LR_MISSING_FOR_AN_UNSCALED_OPTIMIZER -> optimizer.step(grad, params)
                            BadInput.CLOSED_OPTIMIZER -> {
                                optimizer.close()
                                step(grad, params)
                            }
                        }
                    }
                    scheduleRefuses = false

                    val expectedError = if (bad == BadInput.NON_FINITE_GRADIENT && victim == null) {
                        IllegalArgumentException::class.java
                    } else {
                        bad.error
                    }
                    assertThat(error).isExactlyInstanceOf(expectedError).hasMessageContaining("optimizer 'refusing'")
                    if (error is NonFiniteGradientException) {
                        assertThat(error.tensorName()).isEqualTo(victim!!.name())
                        assertThat(error.index()).isEqualTo(index)
                        assertThat(error.value().toRawBits()).isEqualTo(value.toRawBits())
                    }
                    assertBitIdentical("params", params, paramsBefore)
                    assertBitIdentical("state", optimizer.state(), stateBefore)
                    assertThat(Observed(optimizer)).isEqualTo(observedBefore)
                    assertThat(heard.steps).isEmpty()
                    assertThat(heard.rejections).containsExactly(Triple("refusing", warmUp.toLong(), error as RuntimeException))

                    if (bad != BadInput.CLOSED_OPTIMIZER) {
                        // the refusal left nothing behind: the next good step is the twin's
                        inputs.run(optimizer, params, warmUp, warmUp + 1)
                        inputs.run(twin, twinParams, warmUp, warmUp + 1)
                        assertBitIdentical("params after the next step", params, twinParams)
                        assertBitIdentical("state after the next step", optimizer.state(), twin.state())
                        assertThat(Observed(optimizer)).isEqualTo(Observed(twin))
                        assertThat(heard.steps).containsExactly(warmUp + 1L)
                    }
                }
            }
        }
        assertThat(tried).containsExactlyInAnyOrder(*BadInput.entries.toTypedArray())
    }

    /** [tensors] with one of them, at random, replaced by [change] of it. */
    private fun replaceOne(tensors: Tensors, r: Random, change: (Tensor) -> Tensor): Tensors {
        val i = r.nextInt(tensors.size())
        return Tensors.of(tensors.mapIndexed { j, t -> if (j == i) change(t) else t })
    }

    /** [tensors] without one of them, at random. */
    private fun withoutOne(tensors: Tensors, r: Random): Tensors {
        val i = r.nextInt(tensors.size())
        return Tensors.of(tensors.filterIndexed { j, _ -> j != i })
    }
}
