package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class TensorsTest {

    @Test
    void tensorKeepsItsDataAsLiveStorage() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of("policy/l0/kernel", data, 2, 3);
        assertThat(t.data()).isSameAs(data);
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.rank()).isEqualTo(2);
        assertThat(t.size()).isEqualTo(6);
        t.shape()[0] = 99;
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t).hasToString("Tensor[policy/l0/kernel [2, 3]]");
    }

    @Test
    void noShapeMeansAScalar() {
        Tensor scalar = Tensor.of("b", new float[] {0.5f});
        assertThat(scalar.rank()).isZero();
        assertThat(scalar.shapeString()).isEqualTo("[]");
        assertThatThrownBy(() -> Tensor.of("b", new float[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 'b': shape [] holds 1 values but data has 2");
    }

    @Test
    void shapeMustFitTheData() {
        assertThatThrownBy(() -> Tensor.of("w", new float[5], 2, 3))
                .hasMessage("tensor 'w': shape [2, 3] holds 6 values but data has 5");
        assertThatThrownBy(() -> Tensor.of("w", new float[0], -1))
                .hasMessage("tensor 'w': negative dimension in shape [-1]");
        assertThatThrownBy(() -> Tensor.of("", new float[1])).hasMessage("tensor name must not be empty");
        assertThat(Tensor.of("empty", new float[0], 0, 4).size()).isZero();
    }

    @Test
    void copiesAreIndependent() {
        Tensor t = Tensor.of("w", new float[] {1, 2}, 2);
        Tensor c = t.copy();
        c.data()[0] = 7;
        assertThat(t.data()[0]).isEqualTo(1);
        assertThat(t.zerosLike().data()).containsExactly(0, 0);
        assertThat(Tensor.zeros("z", 2, 2).data()).hasSize(4);
    }

    @Test
    void tensorsLookUpByNameAndKeepOrder() {
        Tensor w = Tensor.of("w", new float[3], 3);
        Tensor b = Tensor.of("b", new float[1]);
        Tensors tensors = Tensors.of(w, b);
        assertThat(tensors.get("b")).isSameAs(b);
        assertThat(tensors.get(0)).isSameAs(w);
        assertThat(tensors.find("x")).isNull();
        assertThat(tensors.names()).containsExactly("w", "b");
        assertThat(tensors.totalSize()).isEqualTo(4);
        assertThat(tensors.parameters()).isSameAs(tensors);
        assertThat(tensors).hasToString("Tensors[w [3], b []]");
        assertThatThrownBy(() -> tensors.get("x"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("no tensor named 'x' (have [w, b])");
    }

    @Test
    void namesMustBeUnique() {
        assertThatThrownBy(() -> Tensors.of(Tensor.zeros("w", 1), Tensor.zeros("w", 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duplicate tensor name 'w'");
    }

    @Test
    void contentEqualsComparesNamesShapesAndValues() {
        Tensors a = Tensors.of(Tensor.of("w", new float[] {1, 2}, 2));
        assertThat(a.contentEquals(a.copy())).isTrue();
        assertThat(a.contentEquals(Tensors.of(Tensor.of("w", new float[] {1, 2}, 1, 2)))).isFalse();
        assertThat(a.contentEquals(Tensors.of(Tensor.of("v", new float[] {1, 2}, 2)))).isFalse();
        assertThat(a.contentEquals(Tensors.of(Tensor.of("w", new float[] {1, 3}, 2)))).isFalse();
        assertThat(a.contentEquals(a.zerosLike())).isFalse();
        assertThat(Tensors.empty().isEmpty()).isTrue();
    }
}
