package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.NonFinitePolicy
import io.github.skrl4j.adam.StepEvent
import io.github.skrl4j.adam.StepListener
import io.github.skrl4j.adam.WarmUp
import io.github.skrl4j.adam.schedule.KLAdaptiveLR
import io.github.skrl4j.adam.schedule.Schedules
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test

/** The extension properties read what adam-core's accessors return. */
class PropertiesTest {

    @Test
    fun `step events, optimizers and states read as properties`() {
        val params = tensors("w" to floatArrayOf(3f, 4f), "b" to floatArrayOf(0f))
        val grad = tensors("w" to floatArrayOf(3f, 4f), "b" to floatArrayOf(0f))
        val seen = mutableListOf<String>()
        val optimizer = adam(name = "policy", gradNormClip = 1.0, scale = false, amsgrad = true, parallelism = 1)
            .init(params)
        optimizer.addListener { e: StepEvent ->
            seen += "${e.optimizerName} ${e.count} ${e.gradientNorm} ${e.clipped} ${e.learningRate} ${e.skipped}"
        }
        optimizer.step(grad, params, 0.01).step(grad, params, 0.02)

        assertThat(seen).containsExactly("policy 1 5.0 true 0.01 false", "policy 2 5.0 true 0.02 false")
        assertThat(optimizer.name).isEqualTo("policy")
        assertThat(optimizer.count).isEqualTo(2L)
        assertThat(optimizer.config).isSameAs(optimizer.config())
        assertThat(optimizer.lastGradientNorm).isEqualTo(5.0)
        assertThat(optimizer.lastLearningRate).isEqualTo(0.02)
        assertThat(optimizer.skippedSteps).isEqualTo(0L)
        assertThat(optimizer.parameterNames).containsExactly("w", "b")

        val state = optimizer.state()
        assertThat(state.count).isEqualTo(2L)
        assertThat(state.mu.names).containsExactly("w", "b")
        assertThat(state.nu["w"].data).containsExactly(*state.nu()["w"].data())
        assertThat(state.nuMax.size).isEqualTo(2)
    }

    @Test
    fun `a skipped step reads as skipped`() {
        val params = tensors("w" to floatArrayOf(1f))
        val grad = tensors("w" to floatArrayOf(Float.NaN))
        val events = mutableListOf<StepEvent>()
        val optimizer = adam(nonFinite = NonFinitePolicy.SKIP, parallelism = 1, listeners = listOf(StepListener { events += it.snapshot() }))
            .init(params)
        optimizer.step(grad, params)
        assertThat(events.single().skipped).isTrue()
        assertThat(events.single().learningRate).isEqualTo(0.0)
        assertThat(optimizer.skippedSteps).isEqualTo(1L)
        assertThat(optimizer.count).isEqualTo(0L)
    }

    @Test
    fun `settings read as properties`() {
        val listener = StepListener { }
        val schedule = Schedules.constant(2e-3)
        val settings = Adam.builder().name("value").lr(5e-4).lr(schedule).gradNormClip(0.5).b1(0.8).b2(0.99)
            .eps(1e-7).epsRoot(1e-9).weightDecay(1e-4).amsgrad(true).nesterov(true)
            .nonFinitePolicy(NonFinitePolicy.SKIP).parallelism(3).parallelThreshold(1_000).measureStepDuration(true)
            .warmUp(WarmUp.AT_START).listener(listener).build()
        assertThat(settings.name).isEqualTo("value")
        assertThat(settings.lr).isEqualTo(5e-4)
        assertThat(settings.schedule).isSameAs(schedule)
        assertThat(settings.gradNormClip).isEqualTo(0.5)
        assertThat(settings.scale).isTrue()
        assertThat(settings.b1).isEqualTo(0.8)
        assertThat(settings.b2).isEqualTo(0.99)
        assertThat(settings.eps).isEqualTo(1e-7)
        assertThat(settings.epsRoot).isEqualTo(1e-9)
        assertThat(settings.weightDecay).isEqualTo(1e-4)
        assertThat(settings.amsgrad).isTrue()
        assertThat(settings.nesterov).isTrue()
        assertThat(settings.nonFinite).isEqualTo(NonFinitePolicy.SKIP)
        assertThat(settings.parallelism).isEqualTo(3)
        assertThat(settings.parallelThreshold).isEqualTo(1_000)
        assertThat(settings.measuresStepDuration).isTrue()
        assertThat(settings.warmUp).isEqualTo(WarmUp.AT_START)
        assertThat(settings.listeners).containsExactly(listener)
    }

    @Test
    fun `a schedule is called like a function`() {
        val schedule = Schedules.linear(1e-3, 1e-4, 100, 0)
        assertThat(schedule(0)).isEqualTo(schedule.at(0))
        assertThat(schedule(50)).isEqualTo(schedule.at(50)).isBetween(1e-4, 1e-3)
        assertThat(schedule(1_000)).isEqualTo(1e-4)
    }

    @Test
    fun `a KL-adaptive tracker's lr reads as a property`() {
        val tracker = KLAdaptiveLR.defaults().tracker(1e-3)
        assertThat(tracker.lr).isEqualTo(1e-3)
        tracker.update(1.0)
        assertThat(tracker.lr).isEqualTo(1e-3 / 1.5)
    }
}
