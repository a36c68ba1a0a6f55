package io.github.skrl4j.adam

import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test

/**
 * The API as a Kotlin user writes it: skrl's `opt = opt.step(grad, policy)`, models and listeners as
 * lambdas, and JSpecify nullness seen by the Kotlin compiler as real Kotlin types.
 */
class KotlinApiTest {

    private fun policy() = Tensors.of(
        Tensor.of("policy/l0/kernel", floatArrayOf(0.1f, -0.2f, 0.3f, 0.4f), 2, 2),
        Tensor.of("policy/l0/bias", floatArrayOf(0f, 0f), 2),
    )

    private fun gradFor(params: Tensors): Tensors =
        Tensors.of(params.map { Tensor.of(it.name(), FloatArray(it.size()) { i -> 0.5f - i }, *it.shape()) })

    @Test
    fun `reads like skrl's training loop`() {
        val policy = policy()
        var opt = Adam.create(policy, 5e-4)
        repeat(3) {
            opt = opt.step(gradFor(policy), policy)
        }
        assertThat(opt.count()).isEqualTo(3L)
        assertThat(policy["policy/l0/kernel"].data()[0]).isLessThan(0.1f)
    }

    @Test
    fun `an optimizer is closed by use`() {
        val policy = policy()
        val opt = Adam.builder().lr(5e-4).build().init(policy)
        val count = opt.use { it.step(gradFor(policy), policy).count() }
        assertThat(count).isEqualTo(1L)
        assertThat(opt.isClosed).isTrue()
        assertThatThrownBy { opt.step(gradFor(policy), policy) }
            .isInstanceOf(IllegalStateException::class.java)
            .hasMessageContaining("is closed")
    }

    @Test
    fun `a lambda is a Model and a StepListener`() {
        val params = policy()
        val model = Model { params }
        val norms = mutableListOf<Double>()
        var opt = Adam.builder()
            .name("policy")
            .lr(1e-3)
            .gradNormClip(0.5)
            .listener { event -> norms += event.gradientNorm() }
            .build()
            .init(model)
        opt = opt.step(gradFor(params), model)
        opt.addListener { event -> assertThat(event.optimizerName()).isEqualTo("policy") }
        opt = opt.step(gradFor(params), model)
        assertThat(norms).hasSize(2)
        assertThat(norms[0]).isGreaterThan(0.5)
    }

    @Test
    fun `a schedule is a lambda and scale false takes the lr per step`() {
        val params = policy()
        val scheduled = Adam.builder().lr { count -> 1e-3 / (1 + count) }.build().init(params)
        scheduled.step(gradFor(params), params).step(gradFor(params), params)
        assertThat(scheduled.lastLearningRate()).isEqualTo(1e-3 / 2)

        var unscaled = Adam.create(params, 1e-3, 0.5, false)
        unscaled = unscaled.step(gradFor(params), params, 2e-4)
        assertThat(unscaled.lastLearningRate()).isEqualTo(2e-4)
        assertThatThrownBy { unscaled.step(gradFor(params), params) }
            .isInstanceOf(IllegalStateException::class.java)
            .hasMessageContaining("step(grad, model, lr)")
    }

    @Test
    fun `nullness is Kotlin nullness`() {
        val params = policy()
        // find() is @Nullable: Kotlin makes it Tensor?, so a missing name is handled without a throw
        val missing: Tensor? = params.find("value/l0/kernel")
        assertThat(missing).isNull()
        // get() is not: Kotlin types it Tensor, and a missing name throws instead of returning null
        val present: Tensor = params["policy/l0/bias"]
        assertThat(present.size()).isEqualTo(2)
        val schedule: LearningRateSchedule? = Adam.builder().build().learningRateSchedule()
        assertThat(schedule).isNull()

        // JSpecify's @NullMarked makes every other parameter non-null for the Kotlin compiler.
        // Uncommenting the next line fails compilation with:
        //   error: Null cannot be a value of a non-null type 'Tensors'.
        // Adam.create(policy()).step(null, params)
        // and this one with: error: Null cannot be a value of a non-null type 'String'.
        // Adam.builder().name(null)
    }
}
