package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.AdamSettings as CoreSettings
import io.github.skrl4j.adam.LearningRateSchedule
import io.github.skrl4j.adam.StepListener
import io.github.skrl4j.adam.schedule.Schedules
import java.lang.reflect.Modifier
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource

/**
 * Every option of adam-core's [Adam.Builder] (its methods) and [CoreSettings] (its record components)
 * is an entry of the Kotlin DSL, and setting it in `adam { }` changes the [Adam] it builds. So adding
 * an option to adam-core fails here until the DSL has it. (The test reads the option lists by
 * reflection; the DSL itself is written out.)
 */
class DslCoverageTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    fun `the option is a DSL entry that reaches the builder`(option: String) {
        val entry = DSL_ENTRY[option] ?: option
        val accessor = ACCESSOR[option] ?: option
        val default = Adam::class.java.getMethod(accessor).invoke(Adam.builder().build())
        if (option == "listener") {
            val listener = StepListener { }
            assertThat(adam { listener(listener) }.listeners()).containsExactly(listener)
            return
        }
        val setter = AdamSpec::class.java.methods.singleOrNull {
            it.name == "set" + entry.replaceFirstChar(Char::uppercase) && it.parameterCount == 1
        }
        assertThat(setter).`as`("the DSL entry '$entry' for the builder option '$option'").isNotNull()
        val value = changed(option, default)
        val built = adam { setter!!.invoke(this, value) }
        assertThat(Adam::class.java.getMethod(accessor).invoke(built)).`as`(entry).isEqualTo(value)
    }

    private fun changed(option: String, default: Any?): Any = when {
        option == "lrSchedule" -> Schedules.constant(0.5)
        default is Double -> if (default == 0.0) 0.25 else default / 2
        default is Boolean -> !default
        default is Int -> default + 1
        default is String -> "$default-changed"
        default is Enum<*> -> default.declaringJavaClass.enumConstants.let { it[(default.ordinal + 1) % it.size] }
        else -> throw AssertionError("no test value for option '$option' ($default)")
    }

    companion object {
        /** Options that are no DSL entry of their own, and why. */
        private val NOT_AN_ENTRY = mapOf(
            "settings" to "sets every AdamSettings component at once; each component is its own entry",
        )

        /** A builder method named otherwise than the record component it sets. */
        private val BUILDER_TO_COMPONENT = mapOf("nonFinitePolicy" to "nonFinite")

        /** The DSL's name of an option, where it differs. */
        private val DSL_ENTRY = mapOf("lrSchedule" to "schedule")

        /** The [Adam] accessor of an option, where it differs. */
        private val ACCESSOR = mapOf(
            "lrSchedule" to "learningRateSchedule",
            "nonFinite" to "nonFinitePolicy",
            "measureStepDuration" to "measuresStepDuration",
            "listener" to "listeners",
        )

        @JvmStatic
        fun options(): List<String> {
            val options = LinkedHashSet<String>()
            CoreSettings::class.java.recordComponents.forEach { options += it.name }
            Adam.Builder::class.java.declaredMethods
                .filter { Modifier.isPublic(it.modifiers) && it.returnType == Adam.Builder::class.java }
                .forEach {
                    options += if (it.name == "lr" && it.parameterTypes[0] == LearningRateSchedule::class.java) {
                        "lrSchedule"
                    } else {
                        BUILDER_TO_COMPONENT[it.name] ?: it.name
                    }
                }
            options -= NOT_AN_ENTRY.keys
            return options.toList()
        }
    }
}
