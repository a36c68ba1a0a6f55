package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static io.github.skrl4j.adam.spring.TestModels.nanGradient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.actuate.OptimizerDescriptor;
import io.github.skrl4j.adam.spring.actuate.OptimizersEndpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AdamEndpointAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamEndpointAutoConfiguration.class))
            .withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=optimizers",
                    "skrl.optim.adam.instances.policy.lr=0.003", "skrl.optim.adam.instances.policy.grad-norm-clip=0.5",
                    "skrl.optim.adam.instances.value.non-finite=skip", "skrl.optim.adam.instances.value.amsgrad=true");

    @Test
    void endpointReportsEveryOptimizerAsJson() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(OptimizersEndpoint.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Tensors policyParams = model();
            Tensors valueParams = model();
            Optimizer policy = factory.create("policy", policyParams);
            Optimizer value = factory.create("value", valueParams);
            policy.step(gradient(), policyParams);
            policy.step(gradient(), policyParams);
            value.step(nanGradient(), valueParams);

            JsonNode json = JsonMapper.builder().build()
                    .valueToTree(context.getBean(OptimizersEndpoint.class).optimizers());
            JsonNode p = json.get("optimizers").get("policy");
            assertThat(p.get("name").asString()).isEqualTo("policy");
            assertThat(p.get("count").asLong()).isEqualTo(2);
            assertThat(p.get("lastGradientNorm").asDouble()).isCloseTo(1.3, org.assertj.core.api.Assertions.within(1e-6));
            assertThat(p.get("lastLearningRate").asDouble()).isEqualTo(0.003);
            assertThat(p.get("skippedSteps").asLong()).isZero();
            assertThat(p.get("lastStep").get("status").asString()).isEqualTo("APPLIED");
            JsonNode settings = p.get("settings");
            assertThat(settings.get("learningRateSource").asString()).isEqualTo("FIXED");
            assertThat(settings.get("lr").asDouble()).isEqualTo(0.003);
            assertThat(settings.get("gradNormClip").asDouble()).isEqualTo(0.5);
            assertThat(settings.get("b1").asDouble()).isEqualTo(0.9);
            assertThat(settings.get("b2").asDouble()).isEqualTo(0.999);
            assertThat(settings.get("eps").asDouble()).isEqualTo(1e-8);
            assertThat(settings.get("scale").asBoolean()).isTrue();
            assertThat(settings.get("nonFinite").asString()).isEqualTo("ERROR");
            assertThat(settings.get("learningRateSchedule").isNull()).isTrue();

            JsonNode v = json.get("optimizers").get("value");
            assertThat(v.get("count").asLong()).isZero();
            assertThat(v.get("skippedSteps").asLong()).isEqualTo(1);
            assertThat(v.get("lastGradientNorm").isNull()).isTrue(); // NaN is not a JSON number
            assertThat(v.get("lastLearningRate").isNull()).isTrue();
            assertThat(v.get("lastStep").get("status").asString()).isEqualTo("SKIPPED");
            assertThat(v.get("settings").get("amsgrad").asBoolean()).isTrue();
            assertThat(v.get("settings").get("nonFinite").asString()).isEqualTo("SKIP");
        });
    }

    /**
     * Each optimizer shows the kernel its own steps run beside the one the JVM offers: a small model under
     * the default warm-up did not warm up at its start, one configured {@code at-start} did and, once warm,
     * runs the JVM's kernel. (This JVM runs without {@code jdk.incubator.vector}, so both run the portable
     * kernel here; adam-core's {@code StepKernelTest} shows them apart with the vector kernel.)
     */
    @Test
    void eachOptimizerShowsTheKernelItsStepsRunBesideTheOneTheJvmOffers() {
        runner.withPropertyValues("skrl.optim.adam.instances.warmed.warm-up=at-start").run(context -> {
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Optimizer policy = factory.create("policy", model());
            Optimizer warmed = factory.create("warmed", model());
            assertThat(Kernels.awaitWarm(Duration.ofSeconds(60))).isTrue();

            JsonNode json = JsonMapper.builder().build()
                    .valueToTree(context.getBean(OptimizersEndpoint.class).optimizers());
            Kernels.Kernel available = Kernels.active();
            assertThat(json.get("availableKernel").get("name").asString()).isEqualTo(available.name());
            assertThat(json.get("availableKernel").get("vectorized").asBoolean()).isEqualTo(available.vectorized());
            assertThat(json.has("kernel")).as("the JVM's kernel is named for what it is").isFalse();

            JsonNode p = json.get("optimizers").get("policy").get("kernel");
            assertThat(p.get("warmedUpAtStart").asBoolean()).as("AUTOMATIC, a small model").isFalse();
            assertSameKernel(p, policy.stepKernel());
            if (!available.vectorized()) {
                assertThat(p.get("name").asString()).isEqualTo("scalar");
            }
            JsonNode w = json.get("optimizers").get("warmed").get("kernel");
            assertThat(w.get("warmedUpAtStart").asBoolean()).isTrue();
            assertThat(w.get("name").asString()).as("warmed up: the JVM's kernel").isEqualTo(available.name());
            assertThat(w.get("warming").asBoolean()).isFalse();
            assertSameKernel(w, warmed.stepKernel());
            assertThat(context.getBean(OptimizersEndpoint.class).optimizer("warmed").kernel().name())
                    .isEqualTo(available.name());
        });
    }

    private static void assertSameKernel(JsonNode shown, Kernels.StepKernel stepKernel) {
        assertThat(shown.get("name").asString()).isEqualTo(stepKernel.kernel().name());
        assertThat(shown.get("vectorized").asBoolean()).isEqualTo(stepKernel.kernel().vectorized());
        assertThat(shown.get("warming").asBoolean()).isEqualTo(stepKernel.warming());
        assertThat(shown.get("warmedUpAtStart").asBoolean()).isEqualTo(stepKernel.warmedUpAtStart());
    }

    @Test
    void aScaleFalseOptimizerShowsThatStepsBringTheirLearningRateAndTheLastOneGiven() {
        runner.withPropertyValues("skrl.optim.adam.instances.driven.scale=false",
                "skrl.optim.adam.instances.driven.lr=0.05").run(context -> {
                    Tensors params = model();
                    Optimizer driven = context.getBean(OptimizerFactory.class).create("driven", params);
                    OptimizersEndpoint endpoint = context.getBean(OptimizersEndpoint.class);
                    OptimizerDescriptor before = endpoint.optimizer("driven");
                    assertThat(before.settings().learningRateSource())
                            .isEqualTo(OptimizerDescriptor.LearningRateSource.STEP);
                    assertThat(before.settings().lr()).isNull(); // 0.05 is configured but never used
                    assertThat(before.lastLearningRate()).isNull();

                    driven.step(gradient(), params, 2e-4);
                    driven.step(gradient(), params, 1e-4);

                    OptimizerDescriptor after = endpoint.optimizer("driven");
                    assertThat(after.lastLearningRate()).isEqualTo(1e-4);
                    assertThat(after.settings().lr()).isNull();
                });
    }

    @Test
    void selectorReturnsOneOptimizerOrNullForAnUnknownName() {
        runner.run(context -> {
            Tensors params = model();
            context.getBean(OptimizerFactory.class).create("policy", params).step(gradient(), params);
            OptimizersEndpoint endpoint = context.getBean(OptimizersEndpoint.class);
            OptimizerDescriptor policy = endpoint.optimizer("policy");
            assertThat(policy).isNotNull();
            assertThat(policy.count()).isEqualTo(1);
            assertThat(policy.settings().lr()).isEqualTo(0.003);
            assertThat(endpoint.optimizer("critic")).isNull();
        });
    }

    @Test
    void aRejectedStepShowsItsReason() {
        runner.run(context -> {
            Tensors params = model();
            Optimizer policy = context.getBean(OptimizerFactory.class).create("policy", params);
            assertThatThrownBy(() -> policy.step(nanGradient(), params));
            OptimizerDescriptor descriptor = context.getBean(OptimizersEndpoint.class).optimizer("policy");
            assertThat(descriptor.lastStep().status()).isEqualTo("REJECTED");
            assertThat(descriptor.lastStep().consecutiveFailures()).isEqualTo(1);
            assertThat(descriptor.lastStep().reason()).contains("NonFiniteGradientException").contains("'w'");
            assertThat(descriptor.lastGradientNorm()).isNull();
        });
    }

    @Test
    void aClosedOptimizerIsNoLongerShown() {
        runner.run(context -> {
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            factory.create("policy", model()).close();
            factory.create("value", model());
            OptimizersEndpoint endpoint = context.getBean(OptimizersEndpoint.class);

            assertThat(endpoint.optimizers().optimizers()).containsOnlyKeys("value");
            assertThat(endpoint.optimizer("policy")).isNull();
        });
    }

    @Test
    void noEndpointWhenItIsNotExposed() {
        runner.withPropertyValues("management.endpoints.jmx.exposure.include=health")
                .run(context -> assertThat(context).doesNotHaveBean(OptimizersEndpoint.class));
    }

    @Test
    void noEndpointWithoutActuatorOnTheClassPath() {
        runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OptimizersEndpoint.class)
                        .hasSingleBean(OptimizerFactory.class));
    }
}
