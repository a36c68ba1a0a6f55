package io.github.skrl4j.adam.kotlin.readme.kotlincode.tensors

// README snippet begin: kotlin tensors
import io.github.skrl4j.adam.Model
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.kotlin.tensor
import io.github.skrl4j.adam.kotlin.tensors

val kernel = FloatArray(4 * 64)

val policy: Tensors = tensors(
    "policy/l0/kernel" to tensor(kernel, 4, 64),              // kept, not copied: the optimizer writes here
    "policy/l0/bias" to tensor(FloatArray(64)),               // no shape: one dimension
)

val value: Tensors = tensors("w" to floatArrayOf(0.1f, -0.2f), "b" to floatArrayOf(0f))

val model: Model = Model { policy }                           // Tensors is a Model too; any lambda is one
// README snippet end
