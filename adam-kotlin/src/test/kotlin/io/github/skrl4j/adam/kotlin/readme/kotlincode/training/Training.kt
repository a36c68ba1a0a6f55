package io.github.skrl4j.adam.kotlin.readme.kotlincode.training

// README snippet begin: kotlin training loop
import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.kotlin.count
import io.github.skrl4j.adam.kotlin.lastGradientNorm
import io.github.skrl4j.adam.kotlin.name

fun train(optimizer: Optimizer, policy: Tensors, gradients: () -> Tensors) {
    repeat(100) {
        optimizer.step(gradients(), policy)                   // returns the optimizer itself: a val is enough
    }
    println("${optimizer.name}: ${optimizer.count} steps, last norm ${optimizer.lastGradientNorm}")
}
// README snippet end
