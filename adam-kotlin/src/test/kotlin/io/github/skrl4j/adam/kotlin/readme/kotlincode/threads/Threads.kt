package io.github.skrl4j.adam.kotlin.readme.kotlincode.threads

// README snippet begin: kotlin threads and closing
import io.github.skrl4j.adam.Model
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.kotlin.adam

fun train(model: Model, gradients: () -> Tensors) {
    adam(parallelism = 2).init(model).use { optimizer ->
        repeat(1_000) { optimizer.step(gradients(), model) }
    }
}
// README snippet end
