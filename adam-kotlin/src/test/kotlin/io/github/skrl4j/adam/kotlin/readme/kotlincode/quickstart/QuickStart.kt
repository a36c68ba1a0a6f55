package io.github.skrl4j.adam.kotlin.readme.kotlincode.quickstart

// README snippet begin: kotlin quick start
import io.github.skrl4j.adam.kotlin.adam
import io.github.skrl4j.adam.kotlin.count
import io.github.skrl4j.adam.kotlin.tensor
import io.github.skrl4j.adam.kotlin.tensors

fun main() {
    val kernel = FloatArray(4 * 64)                           // the arrays are the live storage
    val bias = FloatArray(64)
    val policy = tensors("policy/l0/kernel" to tensor(kernel, 4, 64), "policy/l0/bias" to tensor(bias))
    val grad = policy.zerosLike()                             // your backward pass fills these
    grad["policy/l0/bias"].data()[0] = 1f

    adam(lr = 5e-4, gradNormClip = 0.5).init(policy).use { optimizer ->
        optimizer.step(grad, policy)                          // updates kernel and bias in place
        println("count ${optimizer.count}, bias[0] ${bias[0]}")
    }
}
// README snippet end
