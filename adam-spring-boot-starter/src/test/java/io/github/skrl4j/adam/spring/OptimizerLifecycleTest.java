package io.github.skrl4j.adam.spring;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.actuate.StepOutcomes;
import io.github.skrl4j.adam.spring.metrics.AdamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Optimizers come and go without leaving threads, meters or reports behind: the registry closes what
 * it replaces, and forgets what its holder closes.
 */
class OptimizerLifecycleTest {

    private static final int PARALLELISM = 2;

    private final OptimizerRegistry registry = new OptimizerRegistry();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final StepOutcomes outcomes = new StepOutcomes().bindTo(registry);

    OptimizerLifecycleTest() {
        new AdamMetrics(meters).bindTo(registry);
    }

    /** Every tensor above the threshold, so the first step starts PARALLELISM - 1 worker threads. */
    private static Optimizer parallelOptimizer(String name, Tensors params) {
        return Adam.builder().name(name).parallelism(PARALLELISM).parallelThreshold(1).build().init(params);
    }

    private static long liveWorkers(String optimizerName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("skrl4j-adam-" + optimizerName + "-") && t.isAlive())
                .count();
    }

    private long metersOf(String name) {
        return meters.getMeters().stream().filter(m -> name.equals(m.getId().getTag(AdamMetrics.TAG_NAME))).count();
    }

    @Test
    void aCreateAndReplaceLoopKeepsOneOptimizersThreadsAndMeters() throws InterruptedException {
        String name = "lifecycle-loop";
        Tensors params = model();
        List<Optimizer> replaced = new ArrayList<>(); // held, so that no garbage collector stops their threads
        Optimizer current = registry.register(parallelOptimizer(name, params)).step(gradient(), params);
        long metersPerOptimizer = metersOf(name);
        assertThat(metersPerOptimizer).isPositive();
        assertThat(liveWorkers(name)).isEqualTo(PARALLELISM - 1);

        for (int i = 0; i < 2_000; i++) {
            replaced.add(current);
            current = registry.register(parallelOptimizer(name, params)).step(gradient(), params);
            assertThat(metersOf(name)).isEqualTo(metersPerOptimizer);
        }

        assertThat(replaced).hasSize(2_000).allMatch(Optimizer::isClosed);
        assertThat(registry.optimizers()).containsExactly(current);
        // closed workers end asynchronously: wait (bounded) for the stragglers
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (liveWorkers(name) > PARALLELISM - 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(liveWorkers(name)).isEqualTo(PARALLELISM - 1);
    }

    @Test
    void closingAnOptimizerRemovesItsMetersAndLastStep() {
        Tensors params = model();
        Optimizer policy = registry.register(parallelOptimizer("policy", params)).step(gradient(), params);
        Optimizer value = registry.register(parallelOptimizer("value", params));
        assertThat(metersOf("policy")).isPositive();
        assertThat(outcomes.of("policy")).isNotNull();

        policy.close();

        assertThat(metersOf("policy")).isZero();
        assertThat(outcomes.of("policy")).isNull();
        assertThat(outcomes.of(policy)).isNull();
        assertThat(registry.optimizers()).containsExactly(value);
        assertThat(metersOf("value")).isPositive();
    }
}
