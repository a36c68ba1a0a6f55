package io.github.skrl4j.adam

import io.github.skrl4j.adam.testing.TrainingRun
import io.github.skrl4j.adam.schedule.KLAdaptiveLR
import io.github.skrl4j.adam.schedule.Schedules
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path

/** Checkpoints and schedules read naturally from Kotlin: SAM lambdas resolve without ambiguity. */
class CheckpointKotlinTest {

    @TempDir
    lateinit var dir: Path

    @Test
    fun `resume with a schedule supplied through a trailing lambda`() {
        val schedule = Schedules.cosineDecay(1e-2, 50, 0.0, 1.0)
        val params = TrainingRun.model()
        val optimizer = Adam.builder().lr(schedule).build().init(params)
        TrainingRun.steps(optimizer, params, 0, 3)
        val file = dir.resolve("optimizer.safetensors")
        optimizer.save(file)
        params.save(dir.resolve("params.safetensors"))

        val resumedParams = Tensors.load(dir.resolve("params.safetensors"))
        val resumed = Optimizer.loadWith(file, resumedParams) { it.lr(schedule) }
        TrainingRun.steps(resumed, resumedParams, 3, 4)
        TrainingRun.steps(optimizer, params, 3, 4)

        assertThat(resumed.count()).isEqualTo(4)
        assertThat(resumed.lastLearningRate()).isEqualTo(schedule.at(3))
        assertThat(resumedParams.contentEquals(params)).isTrue()
    }

    @Test
    fun `a lambda is a schedule and KLAdaptiveLR tracks the lr`() {
        val halving = LearningRateSchedule { count -> 1e-2 / (1L shl count.toInt().coerceAtMost(30)) }
        val params = TrainingRun.model()
        val optimizer = Adam.builder().lr(halving).build().init(params)
        TrainingRun.steps(optimizer, params, 0, 2)
        assertThat(optimizer.lastLearningRate()).isEqualTo(5e-3)

        val tracker = KLAdaptiveLR.builder().klThreshold(0.01).build().tracker(1e-3)
        assertThat(tracker.update(1.0)).isEqualTo(1e-3 / 1.5)
    }
}
