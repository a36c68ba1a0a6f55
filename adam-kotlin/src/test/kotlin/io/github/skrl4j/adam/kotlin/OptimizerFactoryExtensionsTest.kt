package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.spring.OptimizerFactory
import io.github.skrl4j.adam.spring.OptimizerRegistry
import io.github.skrl4j.adam.spring.autoconfigure.AdamAutoConfiguration
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner

/** The `OptimizerFactory` extensions against the starter's real auto-configured factory. */
class OptimizerFactoryExtensionsTest {

    private val contextRunner = ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration::class.java))
        .withPropertyValues(
            "skrl.optim.adam.grad-norm-clip=0.5",
            "skrl.optim.adam.instances.policy.lr=0.02",
            "skrl.optim.adam.instances.value.scale=false",
        )

    private val policyParams = tensors("w" to floatArrayOf(1f, 2f))

    /** A bean as a Kotlin service declares it: the property's name picks the configured instance. */
    class Trainer(optimizers: OptimizerFactory, params: io.github.skrl4j.adam.Tensors) {
        val policy: Optimizer by optimizers.optimizer(params)
    }

    class Misnamed(optimizers: OptimizerFactory, params: io.github.skrl4j.adam.Tensors) {
        val critic: Optimizer by optimizers.optimizer(params)
    }

    @Test
    fun `factory by name reads the configured settings`() {
        contextRunner.run { context ->
            val optimizers = context.getBean(OptimizerFactory::class.java)
            assertThat(optimizers["policy"].lr).isEqualTo(0.02)
            assertThat(optimizers["policy"].gradNormClip).isEqualTo(0.5)
            assertThat(optimizers["value"].scale).isFalse()
            assertThatThrownBy { optimizers["critic"] }
                .isInstanceOf(IllegalArgumentException::class.java).hasMessageContaining("critic")
        }
    }

    @Test
    fun `the delegate creates, registers and keeps the optimizer named like the property`() {
        contextRunner.run { context ->
            val trainer = Trainer(context.getBean(OptimizerFactory::class.java), policyParams)
            assertThat(trainer.policy.name).isEqualTo("policy")
            assertThat(trainer.policy.config.lr).isEqualTo(0.02)
            assertThat(trainer.policy).isSameAs(trainer.policy)
            assertThat(context.getBean(OptimizerRegistry::class.java)["policy"]).isSameAs(trainer.policy)
        }
    }

    @Test
    fun `a property named like no configured instance stops the bean at construction`() {
        contextRunner.run { context ->
            assertThatThrownBy { Misnamed(context.getBean(OptimizerFactory::class.java), policyParams) }
                .isInstanceOf(IllegalArgumentException::class.java).hasMessageContaining("critic")
        }
    }

    @Test
    fun `create takes the model as a trailing lambda`() {
        contextRunner.run { context ->
            val optimizers = context.getBean(OptimizerFactory::class.java)
            val value = optimizers.create("value") { policyParams }
            value.step(tensors("w" to floatArrayOf(0.1f, 0.1f)), policyParams, 0.01)
            assertThat(value.count).isEqualTo(1L)
        }
    }
}
