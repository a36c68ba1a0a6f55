package io.github.skrl4j.adam.kotlin.readme.kotlincode.checkpoints

// README snippet begin: kotlin checkpoints
import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.Tensors
import java.nio.file.Path

class Checkpoint(val params: Tensors, val optimizer: Optimizer) {
    fun save(dir: Path) {
        optimizer.save(dir.resolve("policy-optimizer.safetensors"))   // settings, count, mu, nu (, nu_max)
        params.save(dir.resolve("policy.safetensors"))
    }

    companion object {
        fun load(dir: Path): Checkpoint {                             // after a restart
            val params = Tensors.load(dir.resolve("policy.safetensors"))
            return Checkpoint(params, Optimizer.load(dir.resolve("policy-optimizer.safetensors"), params))
        }
    }
}
// README snippet end
