package com.example.kotlinconsumer

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.NonFinitePolicy
import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.StepEvent
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.kotlin.adam
import io.github.skrl4j.adam.kotlin.clipped
import io.github.skrl4j.adam.kotlin.config
import io.github.skrl4j.adam.kotlin.count
import io.github.skrl4j.adam.kotlin.events
import io.github.skrl4j.adam.kotlin.get
import io.github.skrl4j.adam.kotlin.gradNormClip
import io.github.skrl4j.adam.kotlin.gradientNorm
import io.github.skrl4j.adam.kotlin.invoke
import io.github.skrl4j.adam.kotlin.lastGradientNorm
import io.github.skrl4j.adam.kotlin.lr
import io.github.skrl4j.adam.kotlin.name
import io.github.skrl4j.adam.kotlin.nonFinite
import io.github.skrl4j.adam.kotlin.optimizer
import io.github.skrl4j.adam.kotlin.optimizerName
import io.github.skrl4j.adam.kotlin.scale
import io.github.skrl4j.adam.kotlin.tensor
import io.github.skrl4j.adam.kotlin.tensors
import io.github.skrl4j.adam.schedule.Schedules
import io.github.skrl4j.adam.spring.OptimizerFactory
import io.github.skrl4j.adam.spring.OptimizerRegistry
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import org.springframework.boot.autoconfigure.SpringBootApplication
import org.springframework.boot.runApplication
import org.springframework.context.ConfigurableApplicationContext
import org.springframework.beans.factory.getBean
import org.springframework.stereotype.Service
import kotlin.math.abs

/**
 * adam-kotlin's README code in a Spring Boot application built with the Kotlin that
 * spring-boot-starter-parent manages: the factory extensions (a `by` delegate, `factory["policy"]`), the
 * settings DSL in both forms, the tensor builders and `events()`. Every check that fails throws, so the
 * process exits non-zero.
 */
@SpringBootApplication(proxyBeanMethods = false)   // a final Kotlin class: no CGLIB subclass
class KotlinConsumerApplication

// adam-kotlin README, "Spring Boot"
@Service
class Trainer(optimizers: OptimizerFactory) {
    val policyParams: Tensors = tensors("w" to FloatArray(256), "b" to FloatArray(64))
    val valueParams: Tensors = tensors("w" to FloatArray(64), "b" to FloatArray(1))

    // skrl.optim.adam.instances.policy.*, named by the property; created (and metered) with the bean
    val policy: Optimizer by optimizers.optimizer(policyParams)

    // the factory's own create, the model as a lambda
    val value: Optimizer = optimizers.create("value") { valueParams }

    val configuredPolicyLr: Double = optimizers["policy"].lr
}

// adam-kotlin README, "Step events as a Flow"
suspend fun clippedSteps(optimizer: Optimizer, n: Int): List<StepEvent> =
    optimizer.events()
        .filter { it.clipped }
        .take(n)
        .toList()

fun main(args: Array<String>) {
    runApplication<KotlinConsumerApplication>(*args).use { context ->
        checkFactoryExtensions(context)
        checkEvents(context.getBean<Trainer>())
        checkSettingsDsl()
        println("kotlin-consumer-check: factory extensions, events() and the settings DSL work with Kotlin "
            + KotlinVersion.CURRENT + " at run time")
    }
}

private fun checkFactoryExtensions(context: ConfigurableApplicationContext) {
    val trainer = context.getBean<Trainer>()
    check(trainer.configuredPolicyLr == 0.01) { "policy lr from application.properties: ${trainer.configuredPolicyLr}" }
    check(trainer.policy.name == "policy") { "the delegate names the optimizer like its property: ${trainer.policy.name}" }
    check(trainer.policy === trainer.policy) { "the delegate returns one optimizer" }
    check(trainer.policy.config.gradNormClip == 0.5) { "grad-norm-clip from the top level: ${trainer.policy.config.gradNormClip}" }
    check(trainer.value.name == "value" && trainer.value.config.lr == 0.002) { "value: ${trainer.value.config.lr}" }
    val registry = context.getBean<OptimizerRegistry>()
    check(registry.find("policy") === trainer.policy && registry.find("value") === trainer.value) { "both registered" }
}

private fun checkEvents(trainer: Trainer) {
    // every gradient 1: the global norm (sqrt 320) is above the clip 0.5, so each step is clipped
    val grad = tensors("w" to FloatArray(256) { 1f }, "b" to FloatArray(64) { 1f })
    val events = runBlocking {
        val collected = async { clippedSteps(trainer.policy, 2) }
        var steps = 0
        while (!collected.isCompleted && steps < 1_000) {
            trainer.policy.step(grad, trainer.policyParams)
            steps++
            yield()
        }
        withTimeout(10_000) { collected.await() }
    }
    check(events.size == 2) { "two clipped steps collected: $events" }
    check(events[1].count == events[0].count + 1) { "consecutive steps: ${events.map { it.count }}" }
    check(events.all { it.optimizerName == "policy" && it.clipped && it.gradientNorm > 17.8 }) { "events: $events" }
    // a constant gradient moves every weight by lr per step against its sign
    check(trainer.policyParams["w"].data().all { it < 0f }) { "policy weights moved" }
}

private fun checkSettingsDsl() {
    val seen = mutableListOf<Long>()
    val policy: Adam = adam {
        name = "policy"
        gradNormClip = 0.5
        scale = false
        nonFinite = NonFinitePolicy.SKIP
        listener { seen += it.count }
    }
    check(policy.name == "policy" && !policy.scale && policy.nonFinite == NonFinitePolicy.SKIP) { "DSL block" }

    val weights = floatArrayOf(1f, -2f)
    val model = tensors("w" to tensor(weights, 2))
    adam(lr = 0.01, gradNormClip = 0.5).init(model).use { optimizer ->
        optimizer.step(tensors("w" to floatArrayOf(3f, -4f)), model)
        check(optimizer.count == 1L && optimizer.lastGradientNorm == 5.0) { "one step, norm ${optimizer.lastGradientNorm}" }
        // Adam's first step: lr against the sign of each gradient
        check(abs(weights[0] - 0.99f) < 1e-6f && abs(weights[1] + 1.99f) < 1e-6f) { "weights ${weights.toList()}" }
    }
    val unscaled = policy.init(model)
    unscaled.step(tensors("w" to floatArrayOf(1f, 1f)), model, 0.001)
    check(seen == listOf(1L)) { "the DSL's listener heard the step: $seen" }

    val lr = Schedules.warmupCosineDecay(0.0, 1e-3, 100, 10_000, 1e-5, 1.0)
    check(lr(0) == 0.0 && abs(lr(100) - 1e-3) < 1e-12) { "schedule invoke: ${lr(0)} ${lr(100)}" }
}
