package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.Model
import io.github.skrl4j.adam.Tensors
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test

/** `tensors(...)` and `tensor(...)` name and shape arrays without copying them. */
class TensorBuildersTest {

    @Test
    fun `named shaped values become tensors over the same arrays, in order`() {
        val kernel = FloatArray(6) { it.toFloat() }
        val bias = floatArrayOf(0f, 1f, 2f)
        val params = tensors("l0/kernel" to tensor(kernel, 2, 3), "l0/bias" to tensor(bias))
        assertThat(params.names).containsExactly("l0/kernel", "l0/bias")
        assertThat(params["l0/kernel"].shape).containsExactly(2, 3)
        assertThat(params["l0/bias"].shape).containsExactly(3)
        assertThat(params["l0/kernel"].data).isSameAs(kernel)
        assertThat(params["l0/bias"].data).isSameAs(bias)
    }

    @Test
    fun `float arrays become one-dimensional tensors`() {
        val w = floatArrayOf(1f, 2f, 3f, 4f)
        val params = tensors("w" to w, "b" to floatArrayOf(0f))
        assertThat(params.size).isEqualTo(2)
        assertThat(params["w"].shape).containsExactly(4)
        assertThat(params["w"].data).isSameAs(w)
        assertThat(params["b"].size).isEqualTo(1)
    }

    @Test
    fun `tensor with a name makes one tensor, and tensors collects them`() {
        val data = FloatArray(8)
        val w = tensor("w", data, 2, 2, 2)
        assertThat(w.name).isEqualTo("w")
        assertThat(w.shape).containsExactly(2, 2, 2)
        assertThat(w.data).isSameAs(data)
        assertThat(tensor("v", floatArrayOf(1f, 2f)).shape).containsExactly(2)
        assertThat(tensors(w, tensor("v", floatArrayOf(1f))).names).containsExactly("w", "v")
    }

    @Test
    fun `unnamed values tell their shape and keep their array`() {
        val data = FloatArray(6)
        val values = tensor(data, 3, 2)
        assertThat(values.shape).containsExactly(3, 2)
        assertThat(values.data).isSameAs(data)
        values.shape[0] = 7
        assertThat(values.shape).`as`("the shape is a copy").containsExactly(3, 2)
        assertThat(values.toString()).isEqualTo("TensorValues[3, 2] (6 values)")
    }

    @Test
    fun `a shape that does not fit or a repeated name is refused, naming the tensor`() {
        assertThatThrownBy { tensors("l0/kernel" to tensor(FloatArray(5), 2, 3)) }
            .isInstanceOf(IllegalArgumentException::class.java).hasMessageContaining("l0/kernel")
        assertThatThrownBy { tensor("", FloatArray(1)) }
            .isInstanceOf(IllegalArgumentException::class.java)
        assertThatThrownBy { tensors("w" to floatArrayOf(1f), "w" to floatArrayOf(2f)) }
            .isInstanceOf(IllegalArgumentException::class.java).hasMessageContaining("w")
    }

    @Test
    fun `tensors are a model, and so is a lambda returning them`() {
        val w = floatArrayOf(1f, -1f)
        val params: Tensors = tensors("w" to w)
        val grad = tensors("w" to floatArrayOf(1f, -1f))
        Adam.create(params, 0.1).use { it.step(grad, params) }
        assertThat(w[0]).isLessThan(1f)
        assertThat(w[1]).isGreaterThan(-1f)

        val model = Model { params }
        val before = w.copyOf()
        Adam.create(model, 0.1).use { it.step(grad, model) }
        assertThat(w[0]).isLessThan(before[0])
    }

    @Test
    fun `what the README says already reads as Kotlin without the module`() {
        val params = tensors("w" to floatArrayOf(1f), "b" to floatArrayOf(0f))
        assertThat(params["w"].size()).isEqualTo(1)
        assertThat("w" in params).isTrue()
        assertThat("v" in params).isFalse()
        val names = mutableListOf<String>()
        for (t in params) {
            names += t.name()
        }
        assertThat(names).containsExactly("w", "b")
        val optimizer = Adam.create(params)
        optimizer.use { }
        assertThat(optimizer.isClosed).isTrue()
        assertThat(Adam.create(params).config().learningRateSchedule()).isNull()
    }
}
