package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Tensor
import io.github.skrl4j.adam.Tensors

/**
 * Values with a shape, waiting for a name: the right-hand side of `"w" to tensor(data, 4, 64)` in
 * [tensors]. The array is kept, not copied, so it stays the tensor's live storage.
 */
public class TensorValues internal constructor(
    /** The row-major values, kept as given. */
    public val data: FloatArray,
    shape: IntArray,
) {
    private val dims: IntArray = shape

    /** A copy of the shape. */
    public val shape: IntArray get() = dims.clone()

    internal fun named(name: String): Tensor = Tensor.of(name, data, *dims)

    /** The shape and size, as `TensorValues[4, 64] (256 values)`. */
    override fun toString(): String = "TensorValues${dims.contentToString()} (${data.size} values)"
}

/**
 * [data] with the shape [shape], for naming in [tensors]: `"policy/l0/kernel" to tensor(kernel, 4, 64)`.
 * No shape means one dimension of `data.size` values. The array is the live storage, not a copy.
 */
public fun tensor(data: FloatArray, vararg shape: Int): TensorValues =
    TensorValues(data, if (shape.isEmpty()) intArrayOf(data.size) else shape)

/**
 * The tensor [name] over [data] with the shape [shape]; no shape means one dimension of `data.size`
 * values (use [Tensor.of] without a shape for a scalar). The array is the live storage, not a copy.
 *
 * @throws IllegalArgumentException if the name is empty or the shape does not fit the data
 */
public fun tensor(name: String, data: FloatArray, vararg shape: Int): Tensor =
    tensor(data, *shape).named(name)

/**
 * Named, shaped tensors in this order: `tensors("w" to tensor(kernel, 4, 64), "b" to tensor(bias))`.
 * The result is a [io.github.skrl4j.adam.Model] too, whose parameters are itself.
 *
 * @throws IllegalArgumentException if a name is empty or repeated, or a shape does not fit its data
 */
@JvmName("tensorsOfShaped")
public fun tensors(vararg entries: Pair<String, TensorValues>): Tensors =
    Tensors.of(entries.map { (name, values) -> values.named(name) })

/**
 * Named one-dimensional tensors in this order: `tensors("w" to floatArrayOf(1f, 2f), "b" to floatArrayOf(0f))`.
 * The arrays are the live storage. The result is a [io.github.skrl4j.adam.Model] too.
 *
 * @throws IllegalArgumentException if a name is empty or repeated
 */
@JvmName("tensorsOfVectors")
public fun tensors(vararg entries: Pair<String, FloatArray>): Tensors =
    Tensors.of(entries.map { (name, data) -> Tensor.of(name, data, data.size) })

/**
 * These tensors in this order: `tensors(tensor("w", kernel, 4, 64), tensor("b", bias))`. The result is a
 * [io.github.skrl4j.adam.Model] too.
 *
 * @throws IllegalArgumentException if a name is repeated
 */
public fun tensors(vararg tensors: Tensor): Tensors = Tensors.of(*tensors)
