package io.github.skrl4j.adam.spring.it;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static io.github.skrl4j.adam.spring.TestModels.nanGradient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real application on a real web server, read over HTTP the way Prometheus and an operator would. */
@SpringBootTest(classes = TrainingTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.web.exposure.include=health,metrics,prometheus,optimizers",
            "management.endpoint.health.show-details=always",
            "management.endpoint.health.probes.enabled=true",
            "management.endpoint.health.group.readiness.include=readinessState,optimizers",
            "skrl.optim.adam.instances.value.health.allow-health-indicator-to-fail=true",
            "skrl.optim.adam.instances.value.health.failure-threshold=2",
            "management.metrics.distribution.percentiles-histogram.skrl.optim.adam.gradient.norm=true",
            "skrl.optim.adam.lr=0.002",
            "skrl.optim.adam.instances.policy.lr=0.003",
            "skrl.optim.adam.instances.policy.grad-norm-clip=1.0",
            "skrl.optim.adam.instances.value.non-finite=error",
            "skrl.optim.adam.instances.driven.scale=false"
        })
@AutoConfigureMetrics
class ActuatorOverHttpIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @LocalServerPort
    private int port;

    @Autowired
    private OptimizerFactory factory;

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void stepsShowInTheMetricsEndpointPrometheusAndTheOptimizersEndpoint() throws Exception {
        Tensors params = model();
        Optimizer policy = factory.create("policy", params);
        for (int i = 0; i < 3; i++) {
            policy.step(gradient(), params); // norm 1.3 > 1.0: clipped every time
        }

        HttpResponse<String> metric = get("/actuator/metrics/skrl.optim.adam.steps?tag=name:policy");
        assertThat(metric.statusCode()).isEqualTo(200);
        JsonNode measurement = JSON.readTree(metric.body()).get("measurements").get(0);
        assertThat(measurement.get("statistic").asString()).isEqualTo("COUNT");
        assertThat(measurement.get("value").asDouble()).isEqualTo(3.0);

        HttpResponse<String> prometheus = get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body())
                .contains("skrl_optim_adam_steps_total{name=\"policy\",outcome=\"applied\"} 3.0")
                .contains("skrl_optim_adam_steps_total{name=\"policy\",outcome=\"rejected\"} 0.0")
                .contains("skrl_optim_adam_gradient_clipped_total{name=\"policy\"} 3.0")
                .contains("skrl_optim_adam_steps_total{name=\"policy\",outcome=\"skipped\"} 0.0")
                .contains("skrl_optim_adam_gradient_norm_count{name=\"policy\"} 3")
                .contains("skrl_optim_adam_gradient_norm_bucket{name=\"policy\",le=")
                .contains("skrl_optim_adam_learning_rate{name=\"policy\"} 0.003");

        HttpResponse<String> optimizer = get("/actuator/optimizers/policy");
        assertThat(optimizer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(optimizer.body());
        assertThat(body.get("count").asLong()).isEqualTo(3);
        assertThat(body.get("settings").get("lr").asDouble()).isEqualTo(0.003);
        assertThat(body.get("settings").get("gradNormClip").asDouble()).isEqualTo(1.0);

        assertThat(body.get("settings").get("learningRateSource").asString()).isEqualTo("FIXED");
        assertThat(body.get("lastLearningRate").asDouble()).isEqualTo(0.003);
        assertThat(body.get("lastStep").get("status").asString()).isEqualTo("APPLIED");
        assertThat(body.get("lastStep").get("consecutiveFailures").asLong()).isZero();
        // Actuator leaves null fields out: no schedule, no failure reason
        assertThat(body.get("settings").has("learningRateSchedule")).isFalse();
        assertThat(body.get("lastStep").has("reason")).isFalse();

        JsonNode all = JSON.readTree(get("/actuator/optimizers").body());
        assertThat(all.get("optimizers").has("policy")).isTrue();
        // the kernel the JVM offers, and the one the policy's steps run (a small model: no warm-up at its start)
        assertThat(all.get("availableKernel").get("name").asString())
                .isEqualTo(io.github.skrl4j.adam.Kernels.active().name());
        assertThat(all.get("availableKernel").get("vectorized").asBoolean())
                .isEqualTo(io.github.skrl4j.adam.Kernels.active().vectorized());
        JsonNode kernel = all.get("optimizers").get("policy").get("kernel");
        assertThat(kernel.get("name").asString()).isEqualTo(policy.stepKernel().kernel().name());
        assertThat(kernel.get("vectorized").asBoolean()).isEqualTo(policy.stepKernel().kernel().vectorized());
        assertThat(kernel.get("warming").asBoolean()).isEqualTo(policy.stepKernel().warming());
        assertThat(kernel.get("warmedUpAtStart").asBoolean()).isFalse();
        assertThat(body.get("kernel")).as("/actuator/optimizers/policy shows it too").isEqualTo(kernel);
        assertThat(get("/actuator/optimizers/critic").statusCode()).isEqualTo(404);
    }

    @Test
    void theEndpointLeavesOutWhatIsNotKnownOrNotUsed() throws Exception {
        Tensors params = model();
        factory.create("driven", params);

        JsonNode fresh = JSON.readTree(get("/actuator/optimizers/driven").body());
        List<String> keys = new ArrayList<>();
        fresh.propertyNames().forEach(keys::add);
        assertThat(keys).containsExactly("name", "settings", "count", "skippedSteps", "lastStep", "kernel");
        assertThat(fresh.get("settings").get("learningRateSource").asString()).isEqualTo("STEP");
        assertThat(fresh.get("settings").has("lr")).isFalse(); // configured 0.002, never used with scale=false
        assertThat(fresh.get("lastStep").get("status").asString()).isEqualTo("NONE");

        factory.create("driven", params).step(gradient(), params, 1e-4);
        JsonNode stepped = JSON.readTree(get("/actuator/optimizers/driven").body());
        assertThat(stepped.get("lastLearningRate").asDouble()).isEqualTo(1e-4);
        assertThat(stepped.get("lastGradientNorm").asDouble()).isGreaterThan(0);
    }

    @Test
    void anOptedInOptimizerTakesTheReadinessGroupDownAfterItsThresholdWhileLivenessStaysUp() throws Exception {
        Tensors params = model();
        Optimizer value = factory.create("value", params);
        value.step(gradient(), params);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

        assertThatThrownBy(() -> value.step(nanGradient(), params)).isInstanceOf(IllegalArgumentException.class);
        HttpResponse<String> once = get("/actuator/health/optimizers");
        assertThat(once.statusCode()).isEqualTo(200); // one bad batch: reported, not failing
        assertThat(JSON.readTree(once.body()).get("details").get("value").get("consecutiveFailures").asLong())
                .isEqualTo(1);

        assertThatThrownBy(() -> value.step(nanGradient(), params)).isInstanceOf(IllegalArgumentException.class);

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(readiness.body());
        assertThat(body.get("status").asString()).isEqualTo("DOWN");
        JsonNode detail = body.get("components").get("optimizers").get("details").get("value");
        assertThat(detail.get("lastStep").asString()).isEqualTo("REJECTED");
        assertThat(detail.get("consecutiveFailures").asLong()).isEqualTo(2);
        assertThat(detail.get("failureThreshold").asInt()).isEqualTo(2);
        assertThat(detail.get("reason").asString()).contains("NaN");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

        value.step(gradient(), params);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/optimizers").statusCode()).isEqualTo(200);
    }

    @Test
    void failingStepsOfAnOptimizerThatDidNotOptInNeverFailTheHealth() throws Exception {
        Tensors params = model();
        Optimizer policy = factory.create("policy", params);
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> policy.step(nanGradient(), params)).isInstanceOf(IllegalArgumentException.class);
        }

        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode detail = JSON.readTree(health.body()).get("components").get("optimizers").get("details")
                .get("policy");
        assertThat(detail.get("consecutiveFailures").asLong()).isEqualTo(10);
        assertThat(detail.has("failureThreshold")).isFalse();
    }
}
