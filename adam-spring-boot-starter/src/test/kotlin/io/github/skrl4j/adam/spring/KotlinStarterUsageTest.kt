package io.github.skrl4j.adam.spring

import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.Tensor
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.spring.actuate.StepOutcome
import io.github.skrl4j.adam.spring.actuate.StepOutcomes
import io.github.skrl4j.adam.spring.autoconfigure.AdamAutoConfiguration
import io.github.skrl4j.adam.spring.autoconfigure.AdamMetricsAutoConfiguration
import io.github.skrl4j.adam.spring.metrics.AdamMetrics
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.within
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner

/** The starter as a Kotlin training service uses it: lambdas as models and listeners, nullable lookups. */
class KotlinStarterUsageTest {

    private val runner = ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration::class.java, AdamMetricsAutoConfiguration::class.java))
        .withBean(SimpleMeterRegistry::class.java)
        .withPropertyValues("skrl.optim.adam.instances.policy.lr=0.01")

    @Test
    fun `a Kotlin lambda is a model and a step listener`() {
        runner.run { context ->
            val factory = context.getBean(OptimizerFactory::class.java)
            val params = Tensors.of(Tensor.of("w", floatArrayOf(1f, 2f), 2))
            val optimizer: Optimizer = factory.create("policy") { params }
            val norms = mutableListOf<Double>()
            optimizer.addListener { event -> norms += event.gradientNorm() }

            optimizer.step(Tensors.of(Tensor.of("w", floatArrayOf(0.3f, 0.4f), 2)), params)

            assertThat(norms).hasSize(1)
            assertThat(norms[0]).isCloseTo(0.5, within(1e-6))
            // Adam's first step moves each parameter by lr against the gradient's sign
            assertThat(params.get("w").data()[0].toDouble()).isCloseTo(0.99, within(1e-6))
            val steps = context.getBean(MeterRegistry::class.java)
                .get(AdamMetrics.STEPS).tag("name", "policy").tag("outcome", "applied").counter().count()
            assertThat(steps).isEqualTo(1.0)
        }
    }

    @Test
    fun `registry lookups are nullable in Kotlin`() {
        runner.run { context ->
            val registry = context.getBean(OptimizerRegistry::class.java)
            val missing: Optimizer? = registry.find("critic")
            assertThat(missing).isNull()
            val outcome: StepOutcome? = context.getBean(StepOutcomes::class.java).of("critic")
            assertThat(outcome?.status ?: StepOutcome.Status.NONE).isEqualTo(StepOutcome.Status.NONE)
        }
    }
}
