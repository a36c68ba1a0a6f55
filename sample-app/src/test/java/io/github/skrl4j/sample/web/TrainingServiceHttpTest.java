package io.github.skrl4j.sample.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The real application on a random port with a budget of three updates: the run's JSON, the chart
 * series, the starter's meters and endpoint, health, and checkpoints on disk.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sample.training.max-environment-steps=3072",
    "sample.training.checkpoint-interval=2"
})
class TrainingServiceHttpTest extends RunningApplicationTest {

    @LocalServerPort
    int port;

    private static JsonNode finished;

    private JsonNode finished() throws InterruptedException {
        if (finished == null) {
            finished = new Http(port).awaitFinished(120);
        }
        return finished;
    }

    @Test
    void runsTheBudgetAndReportsItsState() throws Exception {
        JsonNode t = finished();
        assertThat(t.get("status").asString()).isEqualTo("BUDGET_EXHAUSTED");
        assertThat(t.get("environmentSteps").asLong()).isEqualTo(3072);
        assertThat(t.get("updates").asLong()).isEqualTo(3);
        assertThat(t.get("episodes").asLong()).isPositive();
        assertThat(t.get("meanReturn100").asDouble()).isBetween(8.0, 500.0);
        assertThat(t.get("elapsedSeconds").asDouble()).isPositive();
        assertThat(t.get("maxEnvironmentSteps").asLong()).isEqualTo(3072);
        assertThat(t.get("error").isNull()).isTrue();
        // the step kernel the JVM offers, as adam-core reports it
        assertThat(t.get("availableKernel").get("name").asString())
                .isEqualTo(io.github.skrl4j.adam.Kernels.active().name());
        assertThat(t.get("availableKernel").get("vectorized").asBoolean())
                .isEqualTo(io.github.skrl4j.adam.Kernels.active().vectorized());
        assertThat(t.has("kernel")).as("the JVM's kernel is named for what it is").isFalse();

        JsonNode policy = t.get("optimizers").get(0);
        JsonNode value = t.get("optimizers").get(1);
        assertThat(policy.get("name").asString()).isEqualTo("policy");
        assertThat(policy.get("scale").asBoolean()).isFalse();
        assertThat(policy.get("gradNormClip").asDouble()).isEqualTo(0.5);
        // 3 updates x 10 epochs x 16 mini-batches
        assertThat(policy.get("count").asLong()).isEqualTo(480);
        assertThat(policy.get("learningRate").asDouble()).isBetween(1e-6, 1e-2);
        assertThat(value.get("name").asString()).isEqualTo("value");
        assertThat(value.get("scale").asBoolean()).isTrue();
        assertThat(value.get("count").asLong()).isEqualTo(480);
        assertThat(value.get("learningRate").asDouble()).isEqualTo(1e-3);
        assertThat(value.get("lastGradientNorm").asDouble()).isPositive();

        // the kernel each optimizer's steps run: the networks are small (the policy has 4,610 parameters) and
        // warm-up is automatic, so no start warmed up and the steps run the portable kernel, also where the JVM
        // offers the vector one (the vector-kernel execution in sample-app's pom, as spring-boot:run starts it)
        for (JsonNode optimizer : new JsonNode[] {policy, value}) {
            JsonNode kernel = optimizer.get("kernel");
            assertThat(kernel.get("warmedUpAtStart").asBoolean()).isFalse();
            assertThat(kernel.get("name").asString()).isEqualTo("scalar");
            assertThat(kernel.get("vectorized").asBoolean()).isFalse();
            assertThat(kernel.get("warming").asBoolean()).isFalse();
        }
    }

    @Test
    void seriesComeInIncrements() throws Exception {
        JsonNode t = finished();
        Http http = new Http(port);
        JsonNode all = http.json("/api/training/series");
        int episodes = all.get("episodeCount").asInt();
        assertThat(episodes).isEqualTo(t.get("episodes").asInt());
        assertThat(all.get("episodes").size()).isEqualTo(episodes);
        assertThat(all.get("updates").size()).isEqualTo(3);
        JsonNode firstUpdate = all.get("updates").get(0);
        assertThat(firstUpdate.get("policyGradientNorm").asDouble()).isPositive();
        assertThat(firstUpdate.get("policyLearningRate").asDouble()).isPositive();
        JsonNode lastEpisode = all.get("episodes").get(episodes - 1);
        assertThat(lastEpisode.get("meanReturn100").asDouble()).isEqualTo(t.get("meanReturn100").asDouble());

        JsonNode tail = http.json("/api/training/series?episodesSince=" + (episodes - 2) + "&updatesSince=3");
        assertThat(tail.get("episodes").size()).isEqualTo(2);
        assertThat(tail.get("updates").size()).isZero();
        assertThat(tail.get("episodeCount").asInt()).isEqualTo(episodes);
        assertThat(tail.get("episodes").get(1)).isEqualTo(lastEpisode);
    }

    @Test
    void starterMetersCountEveryStepOfBothOptimizers() throws Exception {
        finished();
        Http http = new Http(port);
        JsonNode steps = http.json("/actuator/metrics/skrl.optim.adam.steps");
        assertThat(steps.get("name").asString()).isEqualTo("skrl.optim.adam.steps");
        double total = steps.get("measurements").get(0).get("value").asDouble();
        assertThat(total).isEqualTo(960.0);
        JsonNode policySteps = http.json("/actuator/metrics/skrl.optim.adam.steps?tag=name:policy");
        assertThat(policySteps.get("measurements").get(0).get("value").asDouble()).isEqualTo(480.0);

        String prometheus = http.get("/actuator/prometheus").body();
        assertThat(prometheus).contains("skrl_optim_adam_steps").contains("name=\"policy\"").contains("name=\"value\"");
        HttpResponse<String> optimizers = http.get("/actuator/optimizers");
        assertThat(optimizers.statusCode()).isEqualTo(200);
        assertThat(optimizers.body()).contains("policy").contains("value");
    }

    @Test
    void healthAndInfoDescribeTheRunAndNothingWrites() throws Exception {
        finished();
        Http http = new Http(port);
        JsonNode health = http.json("/actuator/health");
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("training").get("details").get("status").asString())
                .isEqualTo("BUDGET_EXHAUSTED");
        JsonNode info = http.json("/actuator/info");
        assertThat(info.get("training").get("environment").asString()).isEqualTo("CartPole-v1");
        // the probes: readiness asks the training and the optimizers, liveness only the process
        JsonNode readiness = http.json("/actuator/health/readiness");
        assertThat(readiness.get("status").asString()).isEqualTo("UP");
        assertThat(readiness.get("components").properties().stream().map(java.util.Map.Entry::getKey))
                .containsExactlyInAnyOrder("readinessState", "training", "optimizers");
        JsonNode liveness = http.json("/actuator/health/liveness");
        assertThat(liveness.get("components").properties().stream().map(java.util.Map.Entry::getKey))
                .containsExactly("livenessState");

        assertThat(http.post("/actuator/shutdown").statusCode()).isIn(404, 405);
        assertThat(http.get("/actuator/env").statusCode()).isEqualTo(404);
        assertThat(http.get("/actuator/beans").statusCode()).isEqualTo(404);
        assertThat(http.post("/actuator/loggers/root").statusCode()).isIn(404, 405);
    }

    @Test
    void dashboardAndUplotAreServed() throws Exception {
        Http http = new Http(port);
        assertThat(http.get("/").body()).contains("uPlot.iife.min.js").contains("chart-returns");
        assertThat(http.get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode()).isEqualTo(200);
        assertThat(http.get("/dashboard.js").body()).contains("/api/training/series");
    }

    @Test
    void checkpointsAreWrittenEveryOtherUpdateAndAtTheEnd() throws Exception {
        finished();
        try (Stream<Path> list = Files.list(checkpoints)) {
            assertThat(list.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("update-000002", "update-000003");
        }
        Path last = checkpoints.resolve("update-000003");
        assertThat(last.resolve("policy.safetensors")).isNotEmptyFile();
        assertThat(last.resolve("value.safetensors")).isNotEmptyFile();
        assertThat(last.resolve("policy-optimizer.safetensors")).isNotEmptyFile();
        assertThat(last.resolve("value-optimizer.safetensors")).isNotEmptyFile();
        assertThat(Files.readString(last.resolve("progress.properties"))).contains("environmentSteps=3072");
        assertThat(finished().get("lastCheckpoint").asString()).endsWith("update-000003");
    }
}
