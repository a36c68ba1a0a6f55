package io.github.skrl4j.adam.spring.monitoring;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static io.github.skrl4j.adam.spring.TestModels.nanGradient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.NonFiniteGradientException;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.LocalCollectives;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.RestartPolicy;
import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.autoconfigure.AdamAutoConfiguration;
import io.github.skrl4j.adam.spring.autoconfigure.AdamMetricsAutoConfiguration;
import io.github.skrl4j.adam.spring.distributed.DataPlaneMeters;
import io.github.skrl4j.adam.spring.distributed.DistributedMeters;
import io.github.skrl4j.adam.spring.distributed.DistributedTraining;
import io.github.skrl4j.testsupport.TestThreads;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Every series that the shipped rules and dashboard select exists in a real Prometheus scrape of the
 * starter's meters, once every kind of event has happened (applied, skipped and rejected steps, a
 * clipped step, a saved and a failed checkpoint, all-reduces, a diverged check, a failed operation):
 * a renamed meter, tag or tag value fails here. The sample application's monitoring test evaluates the
 * same expressions in a real Prometheus, where the events that a healthy run never has (failures,
 * divergence) leave some of them empty.
 */
class MonitoringMetersTest {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+.*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamMetricsAutoConfiguration.class))
            .withBean(PrometheusMeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .withPropertyValues("skrl.optim.adam.grad-norm-clip=0.5", "skrl.optim.adam.instances.policy.non-finite=skip",
                    "skrl.optim.adam.instances.value.non-finite=error",
                    "skrl.optim.adam.metrics.step-duration.enabled=true");

    @TempDir
    Path dir;

    @Test
    void everySeriesTheRulesAndTheDashboardSelectIsScraped() {
        runner.run(context -> {
            PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Tensors policyModel = model();
            Optimizer policy = factory.create("policy", policyModel);
            policy.step(gradient(), policyModel);                   // applied, clipped (norm 1.3 > 0.5)
            policy.step(nanGradient(), policyModel);                // skipped
            Tensors valueModel = model();
            Optimizer value = factory.create("value", valueModel);
            assertThatThrownBy(() -> value.step(nanGradient(), valueModel))
                    .isInstanceOf(NonFiniteGradientException.class);  // rejected
            policy.save(dir.resolve("policy.safetensors"));
            Path notADirectory = Files.writeString(dir.resolve("file"), "x");
            assertThatThrownBy(() -> policy.save(notADirectory.resolve("policy.safetensors")))
                    .isInstanceOf(RuntimeException.class);           // a failed save
            distributedEvents(registry);

            Map<String, List<Map<String, String>>> scraped = parse(registry.scrape());
            Map<String, String> expressions = new LinkedHashMap<>();
            for (Map<String, Object> rule : MonitoringKit.rules()) {
                expressions.put("rule " + rule.getOrDefault("alert", rule.get("record")), (String) rule.get("expr"));
            }
            expressions.putAll(MonitoringKit.dashboardExpressions());
            List<String> missing = new ArrayList<>();
            expressions.forEach((where, expr) -> {
                for (MonitoringKit.Selector selector : MonitoringKit.selectors(expr)) {
                    boolean found = scraped.getOrDefault(selector.metric(), List.of()).stream()
                            .anyMatch(labels -> selector.matchers().stream()
                                    // Grafana's variables select anything here
                                    .filter(m -> !m.value().contains("$"))
                                    .allMatch(m -> m.matches(labels.get(m.label()))));
                    if (!found) {
                        missing.add(where + ": " + selector);
                    }
                }
            });
            assertThat(missing).as("selected but not scraped").isEmpty();
            assertThat(scraped).containsKeys("skrl_optim_adam_steps_total", "skrl_optim_adam_step_duration_seconds_count",
                    "skrl_optim_adam_distributed_operation_failures_total");
        });
    }

    /** A world of two in this JVM: rank 0 observed and metered, its operations, a diverged check, a failure. */
    private static void distributedEvents(PrometheusMeterRegistry registry) throws Exception {
        List<WorldFormation> formations = LocalCollectives.formations(2, 1024, Duration.ofMillis(300));
        DistributedTraining rank0 = new DistributedTraining(new ReformingWorld(formations.get(0), RestartPolicy.never(),
                Duration.ofSeconds(10)));
        ReformingWorld rank1World = new ReformingWorld(formations.get(1), RestartPolicy.never(), Duration.ofSeconds(10));
        DistributedMeters.bind(rank0, registry);
        DataPlaneMeters.bind(new WireCounters(), registry);
        try {
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                Collective rank1 = rank1World.awaitWorld();
                rank1.allReduceMean(grads(3f));
                rank1.checkDivergence(grads(2f));
            }, TestThreads.PER_TASK);
            rank0.allReduceMean(grads(1f));
            assertThat(rank0.checkDivergence(grads(1f)).consistent()).isFalse();
            other.get(10, TimeUnit.SECONDS);
            // rank 1 does not take part: rank 0 times out
            assertThatThrownBy(() -> rank0.allReduceSum(grads(1f))).isInstanceOf(CollectiveException.class);
        } finally {
            rank0.close();
            rank1World.close();
        }
    }

    private static Tensors grads(float v) {
        return Tensors.of(Tensor.of("w", new float[] {v, v}, 2));
    }

    /** Metric name to the label sets of its samples. */
    private static Map<String, List<Map<String, String>>> parse(String exposition) {
        Map<String, List<Map<String, String>>> samples = new HashMap<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
        }
        return samples;
    }
}
