package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.NonFinitePolicy
import io.github.skrl4j.adam.StepEvent
import io.github.skrl4j.adam.StepListener
import io.github.skrl4j.adam.WarmUp
import io.github.skrl4j.adam.schedule.Schedules
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test

/** `adam { }` and `adam(...)` make exactly the settings adam-core's builder makes. */
class AdamDslTest {

    private val listener = StepListener { }

    /** Every setting away from its default, through adam-core's own builder. */
    private val everySettingChanged: Adam = Adam.builder()
        .name("policy").lr(5e-4).gradNormClip(0.5).scale(true).b1(0.8).b2(0.99).eps(1e-7).epsRoot(1e-9)
        .weightDecay(1e-4).amsgrad(true).nesterov(true).nonFinitePolicy(NonFinitePolicy.SKIP)
        .parallelism(3).parallelThreshold(1_000).measureStepDuration(true).warmUp(WarmUp.NONE).listener(listener)
        .build()

    @Test
    fun `the defaults are adam-core's, which are skrl's and Optax's`() {
        val javaDefaults = Adam.builder().build()
        assertThat(adam()).isEqualTo(javaDefaults)
        assertThat(adam { }).isEqualTo(javaDefaults)
        assertThat(adam().lr).isEqualTo(1e-3)
        assertThat(adam().gradNormClip).isEqualTo(0.0)
        assertThat(adam().scale).isTrue()
    }

    @Test
    fun `named arguments set every setting`() {
        val settings = adam(
            name = "policy", lr = 5e-4, gradNormClip = 0.5, scale = true, b1 = 0.8, b2 = 0.99, eps = 1e-7,
            epsRoot = 1e-9, weightDecay = 1e-4, amsgrad = true, nesterov = true, nonFinite = NonFinitePolicy.SKIP,
            parallelism = 3, parallelThreshold = 1_000, measureStepDuration = true, warmUp = WarmUp.NONE,
            listeners = listOf(listener),
        )
        assertThat(settings).isEqualTo(everySettingChanged)
    }

    @Test
    fun `the block sets every setting`() {
        val settings = adam {
            name = "policy"
            lr = 5e-4
            gradNormClip = 0.5
            scale = true
            b1 = 0.8
            b2 = 0.99
            eps = 1e-7
            epsRoot = 1e-9
            weightDecay = 1e-4
            amsgrad = true
            nesterov = true
            nonFinite = NonFinitePolicy.SKIP
            parallelism = 3
            parallelThreshold = 1_000
            measureStepDuration = true
            warmUp = WarmUp.NONE
            listener(listener)
        }
        assertThat(settings).isEqualTo(everySettingChanged)
    }

    @Test
    fun `lr, gradNormClip and scale come first, in skrl's order`() {
        assertThat(adam(5e-4, 0.5, false)).isEqualTo(Adam.builder().lr(5e-4).gradNormClip(0.5).scale(false).build())
    }

    @Test
    fun `a schedule replaces the fixed lr`() {
        val schedule = Schedules.linear(1e-3, 1e-4, 100, 0)
        val expected = Adam.builder().lr(2e-3).lr(schedule).build()
        assertThat(adam(lr = 2e-3, schedule = schedule)).isEqualTo(expected)
        assertThat(adam { lr = 2e-3; this.schedule = schedule }).isEqualTo(expected)
        assertThat(adam(schedule = schedule).schedule).isSameAs(schedule)
        assertThat(adam().schedule).isNull()
    }

    @Test
    fun `settings out of range are refused, naming the setting`() {
        assertThatThrownBy { adam(b1 = 1.0) }
            .isInstanceOf(IllegalArgumentException::class.java).hasMessageContaining("b1")
        assertThatThrownBy { adam { lr = -1.0 } }
            .isInstanceOf(IllegalArgumentException::class.java).hasMessageContaining("lr")
        assertThatThrownBy { adam(scale = false, schedule = Schedules.constant(1e-3)) }
            .isInstanceOf(IllegalArgumentException::class.java).hasMessageContaining("scale = true")
    }

    @Test
    fun `a listener added in the block hears the steps of the optimizers made from the settings`() {
        val heard = mutableListOf<StepEvent>()
        val params = tensors("w" to floatArrayOf(1f, 2f))
        val grad = tensors("w" to floatArrayOf(0.3f, 0.4f))
        val optimizer = adam { lr = 0.1; parallelism = 1; listener { heard += it.snapshot() } }.init(params)
        optimizer.step(grad, params).step(grad, params)
        assertThat(heard.map { it.count }).containsExactly(1L, 2L)
        assertThat(heard[0].gradientNorm).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-7))
    }
}
