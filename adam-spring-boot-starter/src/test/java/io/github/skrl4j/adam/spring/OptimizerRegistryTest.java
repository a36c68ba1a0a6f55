package io.github.skrl4j.adam.spring;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class OptimizerRegistryTest {

    private final OptimizerRegistry registry = new OptimizerRegistry();

    private static Optimizer optimizer(String name, NonFinitePolicy policy) {
        return Adam.builder().name(name).nonFinitePolicy(policy).build().init(model());
    }

    @Test
    void registersByNameAndListsSorted() {
        Optimizer value = registry.register(optimizer("value", NonFinitePolicy.ERROR));
        Optimizer policy = registry.register(optimizer("policy", NonFinitePolicy.ERROR));

        assertThat(registry.names()).containsExactly("policy", "value");
        assertThat(registry.optimizers()).containsExactly(policy, value);
        assertThat(registry.get("value")).isSameAs(value);
        assertThat(registry.find("critic")).isNull();
        assertThatThrownBy(() -> registry.get("critic")).isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("'critic'").hasMessageContaining("[policy, value]");
    }

    @Test
    void closeClosesAndRemovesEveryRegisteredOptimizer() {
        OptimizerRegistry.Listener listener = mock(OptimizerRegistry.Listener.class);
        registry.addListener(listener);
        Optimizer value = registry.register(optimizer("value", NonFinitePolicy.ERROR));
        Optimizer policy = registry.register(optimizer("policy", NonFinitePolicy.ERROR));

        registry.close();

        assertThat(registry.names()).isEmpty();
        assertThat(value.isClosed()).isTrue();
        assertThat(policy.isClosed()).isTrue();
        verify(listener).onRemoved(value);
        verify(listener).onRemoved(policy);
        assertThatThrownBy(() -> policy.step(gradient(), model())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void sameNameReplacesDetachesAndClosesTheEarlierOptimizer() {
        OptimizerRegistry.Listener listener = mock(OptimizerRegistry.Listener.class);
        registry.addListener(listener);
        Optimizer first = registry.register(optimizer("policy", NonFinitePolicy.ERROR));
        Optimizer second = registry.register(optimizer("policy", NonFinitePolicy.ERROR));

        assertThat(registry.get("policy")).isSameAs(second);
        assertThat(registry.optimizers()).containsExactly(second);
        InOrder order = inOrder(listener);
        order.verify(listener).onRegistered(first);
        order.verify(listener).onRemoved(first);
        order.verify(listener).onRegistered(second);
        assertThat(first.isClosed()).isTrue();
        assertThat(second.isClosed()).isFalse();
        assertThatThrownBy(() -> first.step(gradient(), model())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        verify(listener, never()).onRemoved(second); // the replaced one's close does not touch its successor
    }

    @Test
    void anOptimizerClosedByItsHolderLeavesTheRegistry() {
        OptimizerRegistry.Listener listener = mock(OptimizerRegistry.Listener.class);
        registry.addListener(listener);
        Optimizer policy = registry.register(optimizer("policy", NonFinitePolicy.ERROR));
        Optimizer value = registry.register(optimizer("value", NonFinitePolicy.ERROR));

        policy.close();

        assertThat(registry.names()).containsExactly("value");
        assertThat(registry.find("policy")).isNull();
        verify(listener).onRemoved(policy);
        verify(listener, never()).onRemoved(value);
    }

    @Test
    void aClosedOptimizerIsRefused() {
        Optimizer closed = optimizer("policy", NonFinitePolicy.ERROR);
        closed.close();

        assertThatThrownBy(() -> registry.register(closed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'policy' is closed");
        assertThat(registry.names()).isEmpty();
    }

    @Test
    void removeDetachesWithoutClosingAndALaterCloseDoesNotTouchTheRegistry() {
        Optimizer first = registry.register(optimizer("policy", NonFinitePolicy.ERROR));
        registry.remove("policy");
        Optimizer second = registry.register(optimizer("policy", NonFinitePolicy.ERROR));

        assertThat(first.isClosed()).isFalse();
        Tensors params = model();
        first.step(gradient(), params);
        first.close();

        assertThat(registry.get("policy")).isSameAs(second);
    }

    @Test
    void registeringTheSameInstanceTwiceIsANoOp() {
        OptimizerRegistry.Listener listener = mock(OptimizerRegistry.Listener.class);
        Optimizer policy = registry.register(optimizer("policy", NonFinitePolicy.ERROR));
        registry.addListener(listener);
        registry.register(policy);

        verify(listener).onRegistered(policy); // once, from addListener's replay
        verify(listener, never()).onRemoved(policy);
    }

    @Test
    void aListenerAddedLateHearsOfEveryRegisteredOptimizer() {
        Optimizer policy = registry.register(optimizer("policy", NonFinitePolicy.ERROR));
        Optimizer value = registry.register(optimizer("value", NonFinitePolicy.ERROR));
        OptimizerRegistry.Listener listener = mock(OptimizerRegistry.Listener.class);
        registry.addListener(listener);

        verify(listener).onRegistered(policy);
        verify(listener).onRegistered(value);
    }

    @Test
    void removeDetaches() {
        OptimizerRegistry.Listener listener = mock(OptimizerRegistry.Listener.class);
        registry.addListener(listener);
        Optimizer policy = registry.register(optimizer("policy", NonFinitePolicy.ERROR));

        assertThat(registry.remove("policy")).isSameAs(policy);
        assertThat(registry.remove("policy")).isNull();
        assertThat(registry.names()).isEmpty();
        assertThat(registry.find("policy")).isNull();
        verify(listener).onRemoved(policy);
    }
}
