package io.github.skrl4j.sample.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.github.skrl4j.sample.SampleApplication;
import io.github.skrl4j.sample.faults.TrainingPauseFault;
import io.github.skrl4j.sample.training.TrainingService;
import io.github.skrl4j.sample.training.TrainingStatus;
import io.github.skrl4j.testsupport.LoopbackCluster;
import io.github.skrl4j.testsupport.Prometheus;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The starter's monitoring kit against a real Prometheus (Debian's {@code prometheus}, on a free
 * loopback port with a data folder of its own) scraping the real sample application every second.
 * The sample runs in its {@code distributed} profile as a world of one replica (so the data-parallel
 * meters exist), with the opt-in step timer and a checkpoint after every update. Every expression of
 * the shipped rules and dashboard is evaluated through Prometheus' HTTP API and must return series,
 * except the selectors of events a healthy run never has (failures, a diverged check), which must
 * parse here and are found in a real scrape by the starter's {@code MonitoringMetersTest}. Then the
 * training loop is paused through the sample's fault switch and {@code SkrlOptimizerTrainingStalled}
 * must reach {@code firing}, and resolve once the loop steps again: Prometheus loads the shipped rules on a
 * clock 60 times faster (every window, offset and {@code for} in seconds instead of minutes), the rest unchanged.
 */
@Prometheus
@Timeout(300)
class PrometheusMonitoringTest {

    private static final String KIT = "META-INF/skrl4j/monitoring/";
    private static final String STALLED = "SkrlOptimizerTrainingStalled";
    // a series selector in an expression: a meter's, or a recording rule's (level:skrl_optim_adam_...:operations)
    private static final Pattern SELECTOR = Pattern.compile(
            "(?<![\\w:])((?:[a-z_]+:)?skrl_optim_adam_[a-z0-9_]+(?::[a-z0-9_]+)?)(?![\\w:])(\\{[^}]*})?");
    // what a healthy run never has: these series appear with their first event
    private static final Pattern EVENT_ONLY = Pattern.compile(
            "outcome=\"failure\"|outcome=\"diverged\"|skrl_optim_adam_distributed_operation_failures_total");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private ConfigurableApplicationContext sample;
    private Process prometheus;
    // a panel query's name to its legend format
    private final Map<String, String> legends = new LinkedHashMap<>();

    @AfterEach
    void stopBoth() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(15, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (sample != null) {
            // a failed test may leave the pause on: end it, so that the training loop stops at once
            sample.getBean(TrainingPauseFault.class).resume();
            sample.close();
        }
    }

    @Test
    void everyExpressionReturnsDataFromTheRunningSampleAndAPausedTrainingLoopFiresTrainingStalled() throws Exception {
        sample = startSample();
        int samplePort = ((WebServerApplicationContext) sample).getWebServer().getPort();
        String prometheusUrl = startPrometheus(samplePort);

        // training has produced every series a healthy data-parallel run has: steps, checkpoints, checks
        for (String series : List.of("skrl_optim_adam_steps_total{outcome=\"applied\"} > 100",
                "skrl_optim_adam_checkpoint_seconds_count{operation=\"save\",outcome=\"success\"}",
                "skrl_optim_adam_distributed_divergence_checks_total{outcome=\"consistent\"}",
                "skrl_optim_adam_step_duration_seconds_count")) {
            awaitSeries(prometheusUrl, series, Duration.ofSeconds(120));
        }

        List<String> failures = new ArrayList<>();
        Map<String, String> expressions = expressions();
        for (Map.Entry<String, String> e : expressions.entrySet()) {
            String expr = e.getValue();
            if (e.getKey().startsWith("alert ")) {
                // an alert's expression returns what fires: nothing in a healthy run. It must evaluate, and
                // every selector in it must find series
                query(prometheusUrl, expr);
                for (String selector : selectors(expr)) {
                    checkSeries(prometheusUrl, e.getKey() + ", selector " + selector, selector, failures);
                }
            } else {
                List<JsonNode> series = checkSeries(prometheusUrl, e.getKey(), expr, failures);
                if (legends.containsKey(e.getKey())) {
                    checkLegend(e.getKey(), legends.get(e.getKey()), series, failures);
                }
            }
        }
        checkVariables(prometheusUrl, failures);
        assertThat(failures).as("expressions without series (of %s), legends, variables", expressions.size())
                .isEmpty();

        // every rule, as loaded, evaluates without error
        awaitRulesEvaluated(prometheusUrl, expressions.keySet().stream()
                .filter(name -> name.startsWith("alert ") || name.startsWith("record ")).count());
        assertThat(alertState(prometheusUrl)).as("%s before the pause", STALLED).isEmpty();

        // the fault: training stops stepping while the application is up and scraped
        assertThat(sample.getBean(TrainingService.class).status()).isEqualTo(TrainingStatus.RUNNING);
        HttpResponse<String> paused = send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + samplePort + "/api/faults/training-pause?seconds=120"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);

        JsonNode firing = awaitFiring(prometheusUrl, Duration.ofSeconds(90));
        assertThat(firing.get("labels").get("severity").asString()).isEqualTo("critical");
        assertThat(firing.get("labels").get("job").asString()).isEqualTo("skrl4j-sample");
        assertThat(firing.get("labels").get("name").asString()).isIn("policy", "value");
        assertThat(firing.get("annotations").get("summary").asString())
                .contains(firing.get("labels").get("name").asString());
        assertThat(firing.get("annotations").get("description").asString())
                .contains("skrl_optim_adam_steps_total").doesNotContain("<no value>");

        HttpResponse<String> resumed = send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + samplePort + "/api/faults/training-pause")).DELETE().build());
        assertThat(resumed.statusCode()).isEqualTo(200);
        // stepping again: the alert resolves
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!alertState(prometheusUrl).isEmpty()) {
            assertThat(System.nanoTime()).as("%s resolves once training steps again", STALLED).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** The sample as a data-parallel world of one, on free loopback ports, with the fault switches on. */
    private ConfigurableApplicationContext startSample() throws IOException {
        Config config = LoopbackCluster.config("monitoring-test-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0);
        return new SpringApplicationBuilder(SampleApplication.class).profiles("distributed")
                .initializers(context -> ((GenericApplicationContext) context).registerBean(Config.class, () -> config))
                .run("--server.port=0", "--server.address=127.0.0.1",
                        "--skrl.optim.adam.distributed.world-size=1",
                        "--skrl.optim.adam.metrics.step-duration.enabled=true",
                        "--sample.faults.enabled=true",
                        "--sample.training.checkpoint-dir=" + dir.resolve("checkpoints"),
                        "--sample.training.checkpoint-interval=1",
                        // no end within the test: a perfect score in 100 episodes, from a budget no run reaches
                        "--sample.training.solved-threshold=500",
                        "--sample.training.max-environment-steps=1000000000");
    }

    /** Prometheus scraping the sample every second and evaluating the shipped rules, 60 times faster. */
    private String startPrometheus(int samplePort) throws Exception {
        Path rules = dir.resolve("skrl4j-rules.yml");
        Files.writeString(rules, sixtyTimesFaster(kitFile("skrl4j-rules.yml")));
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: skrl4j-sample
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(rules, samplePort));
        int port = freePort();
        Path log = dir.resolve("prometheus.log");
        prometheus = new ProcessBuilder(prometheusBinary(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String url = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            assertThat(prometheus.isAlive()).as("prometheus runs: %s", Files.readString(log)).isTrue();
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return url;
                }
            } catch (IOException notYet) {
                // still starting
            }
            assertThat(System.nanoTime()).as("prometheus ready within 60 s: %s", Files.readString(log))
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Every duration of the rules in seconds where it was in minutes, minutes where hours. */
    static String sixtyTimesFaster(String rules) {
        String faster = rules.replaceAll("\\[(\\d+)m]", "[$1s]").replaceAll("\\[(\\d+)h]", "[$1m]")
                .replaceAll("offset (\\d+)m", "offset $1s").replaceAll("for: (\\d+)m", "for: $1s");
        // every window was in minutes or hours: none is left in hours or days, and the stall window is seconds
        assertThat(faster).doesNotContainPattern("\\[\\d+[hd]]|offset \\d+[hd]|for: \\d+[hd]")
                .contains("skrl_optim_adam_steps_total{outcome=\"applied\"}[15s]");
        return faster;
    }

    private static String prometheusBinary() {
        String configured = System.getenv("PROMETHEUS");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "prometheus"))) {
                return Path.of(d, "prometheus").toString();
            }
        }
        throw new AssertionError("prometheus not found on PATH: install Debian's prometheus package"
                + " (apt-get install prometheus; .ci/run does this when it is missing) or set PROMETHEUS");
    }

    /** Name to PromQL of every rule and dashboard query; the dashboard's variables as "All" selects them. */
    @SuppressWarnings("unchecked")
    private Map<String, String> expressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        Map<String, Object> rules = new Yaml().load(kitFile("skrl4j-rules.yml"));
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                String name = rule.containsKey("alert") ? "alert " + rule.get("alert") : "record " + rule.get("record");
                expressions.put(name, (String) rule.get("expr"));
            }
        }
        JsonNode dashboard = JSON.readTree(kitFile("skrl4j-dashboard.json"));
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.get("expr").asString().replace("$__rate_interval", "15s").replace("$job", ".*")
                        .replace("$instance", ".*").replace("$name", ".*");
                String name = "panel '" + panel.get("title").asString() + "' " + target.get("refId").asString();
                expressions.put(name, expr);
                legends.put(name, target.path("legendFormat").asString());
            }
        }
        assertThat(expressions).hasSizeGreaterThan(25);
        return expressions;
    }

    private static List<String> selectors(String expr) {
        List<String> selectors = new ArrayList<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            selectors.add(m.group());
        }
        assertThat(selectors).as(expr).isNotEmpty();
        return selectors;
    }

    /**
     * {@code expr} must parse and return series, within 30 s (windows fill); an event-only one must
     * parse (and stays empty: this run has no failures).
     */
    private static List<JsonNode> checkSeries(String url, String where, String expr, List<String> failures)
            throws Exception {
        if (EVENT_ONLY.matcher(expr).find() && selectors(expr).stream().allMatch(s -> EVENT_ONLY.matcher(s).find())) {
            assertThat(query(url, expr)).as("%s: a healthy run has none", where).isEmpty();
            return List.of();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<JsonNode> series;
        while ((series = query(url, expr)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                failures.add(where + ": " + expr);
                return List.of();
            }
            Thread.sleep(500);
        }
        return series;
    }

    /** Every label a panel's legend names ({{name}}) is on every series of its query. */
    private static void checkLegend(String where, String legend, List<JsonNode> series, List<String> failures) {
        Matcher m = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}").matcher(legend);
        while (m.find()) {
            String label = m.group(1);
            for (JsonNode s : series) {
                if (!s.get("metric").has(label)) {
                    failures.add(where + ": legend " + legend + " names " + label + ", absent from " + s.get("metric"));
                }
            }
        }
    }

    /**
     * Grafana's {@code label_values(selector, label)} of each variable, as Prometheus answers its selector
     * (the "All" value of the variables before it): series that all carry the label.
     */
    private static void checkVariables(String url, List<String> failures) throws Exception {
        Pattern labelValues = Pattern.compile("label_values\\((.+), (\\w+)\\)");
        for (JsonNode variable : JSON.readTree(kitFile("skrl4j-dashboard.json")).get("templating").get("list")) {
            if (!variable.get("type").asString().equals("query")) {
                continue;
            }
            Matcher m = labelValues.matcher(variable.get("query").get("query").asString());
            assertThat(m.matches()).as(variable.toString()).isTrue();
            String selector = m.group(1).replace("$job", ".*").replace("$instance", ".*");
            List<JsonNode> series = query(url, selector);
            if (series.isEmpty() || !series.stream().allMatch(s -> s.get("metric").has(m.group(2)))) {
                failures.add("variable " + variable.get("name").asString() + ": " + selector + " without "
                        + m.group(2) + ": " + series);
            }
        }
    }

    private static void awaitSeries(String url, String expr, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (query(url, expr).isEmpty()) {
            assertThat(System.nanoTime()).as("%s has series within %s", expr, timeout).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** The result of an instant query; fails on a parse or evaluation error. */
    private static List<JsonNode> query(String url, String expr) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url + "/api/v1/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                .build());
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asString()).as("%s: %s", expr, response.body()).isEqualTo("success");
        List<JsonNode> result = new ArrayList<>();
        JsonNode data = body.get("data");
        if (data.get("resultType").asString().equals("vector")) {
            data.get("result").forEach(result::add);
        } else {
            result.add(data.get("result"));
        }
        return result;
    }

    private static void awaitRulesEvaluated(String url, long ruleCount) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode groups = JSON.readTree(send(HttpRequest.newBuilder(URI.create(url + "/api/v1/rules")).build())
                    .body()).get("data").get("groups");
            List<String> notOk = new ArrayList<>();
            int rules = 0;
            for (JsonNode group : groups) {
                for (JsonNode rule : group.get("rules")) {
                    rules++;
                    if (!rule.get("health").asString().equals("ok")) {
                        notOk.add(rule.get("name").asString() + ": " + rule.get("health").asString() + " "
                                + rule.path("lastError").asString());
                    }
                }
            }
            assertThat((long) rules).as("rules loaded").isEqualTo(ruleCount);
            if (notOk.isEmpty()) {
                return;
            }
            assertThat(System.nanoTime()).as("rules evaluated without error: %s", notOk).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** The states of the stalled alert now (pending, firing), empty when inactive. */
    private static List<JsonNode> alertState(String url) throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        JSON.readTree(send(HttpRequest.newBuilder(URI.create(url + "/api/v1/alerts")).build()).body())
                .get("data").get("alerts").forEach(a -> {
                    if (a.get("labels").get("alertname").asString().equals(STALLED)) {
                        alerts.add(a);
                    }
                });
        return alerts;
    }

    private static JsonNode awaitFiring(String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (JsonNode alert : alertState(url)) {
                if (alert.get("state").asString().equals("firing")) {
                    return alert;
                }
            }
            assertThat(System.nanoTime()).as("%s firing within %s", STALLED, timeout).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static String kitFile(String name) {
        try (InputStream in = PrometheusMonitoringTest.class.getClassLoader().getResourceAsStream(KIT + name)) {
            assertThat(in).as("the starter's %s%s", KIT, name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
