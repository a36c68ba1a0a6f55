package io.github.skrl4j.adam.kotlin.readme

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.Model
import io.github.skrl4j.adam.NonFinitePolicy
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.kotlin.adam
import io.github.skrl4j.adam.kotlin.count
import io.github.skrl4j.adam.kotlin.readme.javacode.JavaSnippets
import io.github.skrl4j.adam.kotlin.readme.kotlincode.kladaptive.PolicyUpdates
import io.github.skrl4j.adam.kotlin.readme.kotlincode.checkpoints.Checkpoint
import io.github.skrl4j.adam.kotlin.readme.kotlincode.spring.Trainer
import io.github.skrl4j.adam.kotlin.readme.kotlincode.watching.clippedSteps
import io.github.skrl4j.adam.kotlin.readme.kotlincode.threads.train as trainOnTwoThreads
import io.github.skrl4j.adam.kotlin.readme.kotlincode.training.train as trainHundredSteps
import io.github.skrl4j.adam.kotlin.readme.kotlincode.quickstart.main as kotlinQuickStart
import io.github.skrl4j.adam.kotlin.readme.kotlincode.schedules.printWarmUp
import io.github.skrl4j.adam.kotlin.readme.kotlincode.settings.policy as policySettings
import io.github.skrl4j.adam.kotlin.readme.kotlincode.settings.value as valueSettings
import io.github.skrl4j.adam.kotlin.readme.kotlincode.settings.warmedUp
import io.github.skrl4j.adam.kotlin.readme.kotlincode.tensors.kernel
import io.github.skrl4j.adam.kotlin.readme.kotlincode.tensors.model
import io.github.skrl4j.adam.kotlin.readme.kotlincode.tensors.policy as policyTensors
import io.github.skrl4j.adam.kotlin.readme.kotlincode.tensors.value as valueTensors
import io.github.skrl4j.adam.kotlin.tensors
import io.github.skrl4j.adam.spring.autoconfigure.AdamAutoConfiguration
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Path
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.data.Offset.offset
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner

/** The README snippets do what the READMEs say they do. */
class ReadmeSnippetsRunTest {

    private fun printed(block: () -> Unit): String {
        val out = ByteArrayOutputStream()
        val original = System.out
        System.setOut(PrintStream(out, true, Charsets.UTF_8))
        try {
            block()
        } finally {
            System.setOut(original)
        }
        return out.toString(Charsets.UTF_8).trim()
    }

    private fun gradient(params: Tensors, value: Float): Tensors {
        val grad = params.zerosLike()
        grad.forEach { it.data().fill(value) }
        return grad
    }

    @Test
    fun `both quick starts take one clipped step on the bias`() {
        val java = printed { JavaSnippets.quickStart() }
        val kotlin = printed { kotlinQuickStart() }
        assertThat(kotlin).isEqualTo(java).startsWith("count 1, bias[0] ")
        // the first Adam step moves a parameter by about lr against its gradient's sign
        assertThat(kotlin.substringAfter("bias[0] ").toDouble()).isCloseTo(-5e-4, offset(1e-6))
    }

    @Test
    fun `both watchers keep snapshots of clipped steps only`(): Unit = runBlocking {
        val params = tensors("w" to floatArrayOf(1f, 1f))
        val optimizer = adam(gradNormClip = 1.0, parallelism = 1).init(params)
        val java = JavaSnippets.watchClippedSteps(optimizer)
        val kotlin = async { clippedSteps(optimizer, 2) }
        var steps = 0
        while (!kotlin.isCompleted && steps < 1_000) {
            optimizer.step(gradient(params, if (steps % 2 == 0) 0.1f else 10f), params) // clipped every other step
            steps++
            yield()
        }
        val events = withTimeout(10_000) { kotlin.await() }
        assertThat(events.map { it.clipped() }).containsExactly(true, true)
        assertThat(events[1].count()).isEqualTo(events[0].count() + 2)
        assertThat(java).isNotEmpty().allSatisfy { assertThat(it.clipped()).isTrue() }
        assertThat(java.map { it.count() }).doesNotHaveDuplicates()
    }

    @Test
    fun `both threaded trainings take a thousand steps and close`() {
        val javaParams = tensors("w" to FloatArray(100_000) { 1f })
        val kotlinParams = javaParams.copy()
        JavaSnippets.trainOnTwoThreads(javaParams) { gradient(javaParams, 0.5f) }
        trainOnTwoThreads(kotlinParams) { gradient(kotlinParams, 0.5f) }
        assertThat(kotlinParams.contentEquals(javaParams)).isTrue()
        // a thousand steps of about lr = 1e-3 each
        assertThat(kotlinParams["w"].data()[0].toDouble()).isCloseTo(0.0, offset(1e-3))
    }

    @Test
    fun `both KL-adaptive updates step with the tracked lr and move it`() {
        val javaParams = tensors("w" to floatArrayOf(1f))
        val kotlinParams = javaParams.copy()
        val javaOptimizer = adam(scale = false, parallelism = 1).init(javaParams)
        val kotlinOptimizer = adam(scale = false, parallelism = 1).init(kotlinParams)
        val javaUpdates = JavaSnippets.policyUpdates()
        val kotlinUpdates = PolicyUpdates()
        for (kl in listOf(0.1, 0.1, 0.0001)) {
            javaUpdates.update(javaOptimizer, gradient(javaParams, 1f), javaParams, kl)
            kotlinUpdates.update(kotlinOptimizer, gradient(kotlinParams, 1f), kotlinParams, kl)
        }
        // skrl: a KL above 2 * 0.008 divides the lr by 1.5, one below 0.008 / 2 multiplies it
        assertThat(kotlinOptimizer.lastLearningRate()).isEqualTo(1e-3 / 1.5 / 1.5)
        assertThat(javaOptimizer.lastLearningRate()).isEqualTo(kotlinOptimizer.lastLearningRate())
        assertThat(kotlinParams.contentEquals(javaParams)).isTrue()
    }

    @Test
    fun `both checkpoints resume bit for bit`(@TempDir dir: Path) {
        val params = tensors("w" to floatArrayOf(1f, -2f, 3f))
        val optimizer = adam(lr = 0.1, gradNormClip = 0.5, parallelism = 1).init(params)
        optimizer.step(gradient(params, 1f), params)
        Checkpoint(params, optimizer).save(dir.resolve("kotlin").also { it.toFile().mkdirs() })
        JavaSnippets.saveCheckpoint(params, optimizer, dir.resolve("java").also { it.toFile().mkdirs() })

        val fromKotlin = Checkpoint.load(dir.resolve("kotlin"))
        val fromJava = JavaSnippets.loadCheckpoint(dir.resolve("java"))
        optimizer.step(gradient(params, -1f), params)
        fromKotlin.optimizer.step(gradient(fromKotlin.params, -1f), fromKotlin.params)
        fromJava.optimizer().step(gradient(fromJava.params(), -1f), fromJava.params())
        assertThat(fromKotlin.params.contentEquals(params)).isTrue()
        assertThat(fromJava.params().contentEquals(params)).isTrue()
        assertThat(fromKotlin.optimizer.count).isEqualTo(2L)
    }

    @Test
    fun `the settings snippet makes what it says`() {
        assertThat(valueSettings).isEqualTo(Adam.builder().lr(5e-4).gradNormClip(0.5).build())
        assertThat(policySettings.name()).isEqualTo("policy")
        assertThat(policySettings.scale()).isFalse()
        assertThat(policySettings.nonFinitePolicy()).isEqualTo(NonFinitePolicy.SKIP)
        val params = tensors("w" to floatArrayOf(3f, 4f))
        val said = printed { policySettings.init(params).step(tensors("w" to floatArrayOf(3f, 4f)), params, 1e-3) }
        assertThat(said).isEqualTo("step 1: norm 5.0")
        assertThat(warmedUp.learningRateSchedule()!!.at(100)).isEqualTo(1e-3)
    }

    @Test
    fun `the tensors snippet names and shapes live arrays`() {
        assertThat(policyTensors.names()).containsExactly("policy/l0/kernel", "policy/l0/bias")
        assertThat(policyTensors["policy/l0/kernel"].data()).isSameAs(kernel)
        assertThat(policyTensors["policy/l0/kernel"].shape()).containsExactly(4, 64)
        assertThat(valueTensors["w"].shape()).containsExactly(2)
        assertThat(model.parameters()).isSameAs(policyTensors)
    }

    @Test
    fun `the training loop keeps one optimizer and reports it`() {
        val params = tensors("w" to floatArrayOf(1f))
        val optimizer = adam(name = "policy", parallelism = 1).init(params)
        val said = printed { trainHundredSteps(optimizer, params) { gradient(params, 2f) } }
        assertThat(said).isEqualTo("policy: 100 steps, last norm 2.0")
    }

    @Test
    fun `a schedule is called like a function and prints what the comment says`() {
        assertThat(printed { printWarmUp() }).isEqualTo("0.0 5.0E-4 0.001 1.0E-5")
    }

    @Test
    fun `the Spring service gets its optimizers from the configuration`() {
        ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration::class.java))
            .withPropertyValues("skrl.optim.adam.instances.policy.lr=0.02", "skrl.optim.adam.instances.value.scale=false")
            .withBean(Trainer::class.java)
            .run { context ->
                val trainer = context.getBean(Trainer::class.java)
                assertThat(trainer.policy.name()).isEqualTo("policy")
                assertThat(trainer.configuredPolicyLr).isEqualTo(0.02)
                assertThat(trainer.value.config().scale()).isFalse()
                trainer.policy.step(gradient(trainer.policyParams, 1f), trainer.policyParams)
                assertThat(trainer.policy.count).isEqualTo(1L)
            }
    }

}
