package io.github.skrl4j.adam.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.github.skrl4j.adam.spring.distributed.FirstWorldFormation;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A replica whose world cannot form yet (the other replica has not started) is up: it answers HTTP, its readiness
 * says not ready (OUT_OF_SERVICE) and its liveness alive, and the endpoint shows the world forming.
 */
@HazelcastCluster
@Timeout(120)
class FormingWorldOverHttpIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApplicationAnswersWhileItsWorldFormsAndIsNotReadyButAlive() throws Exception {
        String cluster = LoopbackCluster.newClusterName();
        int[] ports = LoopbackCluster.freePorts(1);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TrainingTestApplication.class)
                .initializers(context -> ((GenericApplicationContext) context).registerBean(Config.class,
                        () -> LoopbackCluster.config(cluster, ports, 0)))
                .properties("server.port=0",
                        "management.endpoints.web.exposure.include=health,optimizers",
                        "management.endpoint.health.show-details=always",
                        "management.endpoint.health.probes.enabled=true",
                        "management.endpoint.health.group.readiness.include=readinessState,optimizers",
                        "skrl.optim.adam.distributed.enabled=true",
                        "skrl.optim.adam.distributed.world-size=2",
                        "skrl.optim.adam.distributed.join-timeout=90s")
                .run()) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            assertThat(app.getBean(FirstWorldFormation.class).isRunning()).isTrue();

            HttpResponse<String> readiness = get(port, "/actuator/health/readiness");
            assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
            JsonNode optimizers = JSON.readTree(readiness.body()).get("components").get("optimizers");
            assertThat(optimizers.get("status").asString()).isEqualTo("OUT_OF_SERVICE");
            assertThat(optimizers.get("details").get("distributed").get("status").asString()).isEqualTo("FORMING");

            HttpResponse<String> liveness = get(port, "/actuator/health/liveness");
            assertThat(liveness.statusCode()).as("alive while it forms").isEqualTo(200);

            HttpResponse<String> endpoint = get(port, "/actuator/optimizers");
            assertThat(endpoint.statusCode()).isEqualTo(200);
            JsonNode distributed = JSON.readTree(endpoint.body()).get("distributed");
            assertThat(distributed.get("status").asString()).isEqualTo("FORMING");
            assertThat(distributed.get("worldSize").asInt()).isEqualTo(2);
            assertThat(distributed.get("restarts").asInt()).isZero();
        }
    }
}
