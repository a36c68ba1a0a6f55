package io.github.skrl4j.adam

import io.kotest.property.Arb
import io.kotest.property.arbitrary.bind
import io.kotest.property.arbitrary.boolean
import io.kotest.property.arbitrary.int
import io.kotest.property.checkAll
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.util.Random

/**
 * A checkpoint is a pause, as a property over random layouts, settings and step counts: saving
 * the optimizer and the parameters, loading both and stepping on gives bit for bit the run that
 * never stopped.
 */
class CheckpointPropertiesTest {

    @TempDir
    lateinit var dir: Path

    /** The step whose gradient holds a NaN (under [NonFinitePolicy.SKIP]), or -1 for none. */
    private val skippedStep = Arb.bind(Arb.boolean(), Arb.int(0..11)) { skip, step -> if (skip) step else -1 }

    @Test
    fun `save, load and further steps are bit for bit the uninterrupted run`() = properties {
        val covered = mutableSetOf<String>()
        checkAll(seeded(0xC4EC_0001, 40), Scenarios.wide(), Arb.int(0..12), skippedStep) { s, cut, skipped ->
            val config = s.config().toBuilder()
                .nonFinitePolicy(if (skipped >= 0) NonFinitePolicy.SKIP else NonFinitePolicy.ERROR).build()
            val inputs = Inputs(s)
            if (skipped in 0 until inputs.steps && poison(inputs.grads[skipped], Random(s.seed))) {
                covered += if (skipped < cut % (inputs.steps + 1)) "skipped before the save" else "skipped after the save"
            }
            val savedAfter = cut % (inputs.steps + 1)
            covered += when (savedAfter) {
                0 -> "saved before the first step"
                inputs.steps -> "saved after the last step"
                else -> "saved between steps"
            }
            if (config.amsgrad()) covered += "amsgrad"

            val uninterruptedParams = inputs.initialParams.copy()
            val (uninterruptedState, uninterruptedNorm) = config.init(uninterruptedParams).use {
                inputs.run(it, uninterruptedParams)
                it.state() to it.lastGradientNorm()
            }

            val params = inputs.initialParams.copy()
            val optimizerFile = dir.resolve("optimizer.safetensors")
            val paramsFile = dir.resolve("params.safetensors")
            val savedState = config.init(params).use {
                inputs.run(it, params, 0, savedAfter)
                it.save(optimizerFile)
                params.save(paramsFile)
                it.state()
            }

            val loadedParams = Tensors.load(paramsFile)
            assertBitIdentical("loaded params", loadedParams, params)
            // how steps are run is the loading machine's choice and changes nothing
            val otherParallelism = 3 - s.parallelism
            val resumedOptimizer = Optimizer.loadWith(optimizerFile, loadedParams) {
                it.parallelism(otherParallelism).parallelThreshold(s.parallelThreshold)
            }
            resumedOptimizer.use { resumed ->
                assertThat(resumed.config()).isEqualTo(config.toBuilder().parallelism(otherParallelism).build())
                assertBitIdentical("loaded state", resumed.state(), savedState)

                inputs.run(resumed, loadedParams, savedAfter, inputs.steps)

                assertBitIdentical("params", loadedParams, uninterruptedParams)
                assertBitIdentical("state", resumed.state(), uninterruptedState)
                if (savedAfter < inputs.steps) {
                    assertThat(resumed.lastGradientNorm()).isEqualTo(uninterruptedNorm)
                }
            }
        }
        assertThat(covered).containsExactlyInAnyOrder("skipped before the save", "skipped after the save",
            "saved before the first step", "saved after the last step", "saved between steps", "amsgrad")
    }

    /** Puts a NaN or an infinity at a random place of [grad]; false if it has no place. */
    private fun poison(grad: Tensors, r: Random): Boolean {
        val candidates = grad.filter { it.size() > 0 }
        if (candidates.isEmpty()) return false
        val victim = candidates[r.nextInt(candidates.size)]
        victim.data()[r.nextInt(victim.size())] = listOf(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)[r.nextInt(3)]
        return true
    }
}
