package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.StepEvent
import io.github.skrl4j.adam.schedule.Schedules
import java.net.URL
import java.net.URLClassLoader
import java.util.function.Supplier
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test

/**
 * kotlinx-coroutines and the starter are optional: everything but `events()` and the
 * `OptimizerFactory` extensions runs with adam-core and kotlin-stdlib alone. The module is loaded
 * here by a class loader that sees only those (and this module's classes).
 */
class OptionalDependenciesTest {

    /** Uses the DSL, the builders, the properties and `invoke`; run inside the restricted loader. */
    class CoreOnlyUsage : Supplier<String> {
        override fun get(): String {
            val params = tensors("w" to tensor(floatArrayOf(3f, 4f), 2))
            val events = mutableListOf<StepEvent>()
            val optimizer = adam { lr = 0.1; gradNormClip = 1.0; parallelism = 1; listener { events += it.snapshot() } }
                .init(params)
            optimizer.step(tensors("w" to floatArrayOf(3f, 4f)), params)
            val schedule = Schedules.constant(0.5)
            return "${adam(lr = 0.2).lr} ${optimizer.count} ${events.single().gradientNorm} ${schedule(3)}"
        }
    }

    private fun location(type: Class<*>): URL = type.protectionDomain.codeSource.location

    private fun loaderWithoutOptionalDependencies() = URLClassLoader(
        arrayOf(
            location(AdamSpec::class.java), // this module's classes
            location(CoreOnlyUsage::class.java), // its tests
            location(Adam::class.java), // adam-core
            location(Unit::class.java), // kotlin-stdlib
        ),
        ClassLoader.getPlatformClassLoader(),
    )

    @Test
    fun `the DSL, builders, properties and invoke need neither coroutines nor Spring`() {
        loaderWithoutOptionalDependencies().use { loader ->
            @Suppress("UNCHECKED_CAST")
            val usage = loader.loadClass(CoreOnlyUsage::class.java.name).getDeclaredConstructor().newInstance()
                as Supplier<String>
            assertThat(usage.get()).isEqualTo("0.2 1 5.0 0.5")
        }
    }

    @Test
    fun `the restricted loader really lacks coroutines and the starter`() {
        loaderWithoutOptionalDependencies().use { loader ->
            // resolving events()'s signature needs Flow
            assertThatThrownBy { loader.loadClass("io.github.skrl4j.adam.kotlin.FlowsKt").declaredMethods }
                .isInstanceOf(NoClassDefFoundError::class.java).hasMessageContaining("kotlinx/coroutines")
            assertThatThrownBy { loader.loadClass("io.github.skrl4j.adam.spring.OptimizerFactory") }
                .isInstanceOf(ClassNotFoundException::class.java)
        }
    }
}
