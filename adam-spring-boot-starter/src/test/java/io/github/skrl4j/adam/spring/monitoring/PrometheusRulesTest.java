package io.github.skrl4j.adam.spring.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.spring.monitoring.MonitoringKit.Run;
import io.github.skrl4j.testsupport.Prometheus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped rules through Debian's {@code promtool}: {@code check rules} (syntax, PromQL, templates)
 * and {@code test rules} (the unit tests in {@code src/test/resources/monitoring/skrl4j-rules.test.yml},
 * every alert firing on synthetic series when it should and quiet when it should not), plus what
 * promtool does not check: every alert tested both ways, its severity, and a description that names
 * the meters it reads.
 */
@Prometheus
class PrometheusRulesTest {

    private static final String UNIT_TESTS = "monitoring/skrl4j-rules.test.yml";

    @TempDir
    Path dir;

    @Test
    void promtoolChecksTheShippedRules() throws Exception {
        Files.writeString(dir.resolve(MonitoringKit.RULES), MonitoringKit.text(MonitoringKit.RULES));

        Run check = MonitoringKit.run(dir, MonitoringKit.promtool().toString(), "check", "rules", MonitoringKit.RULES);

        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + MonitoringKit.rules().size() + " rules found");
    }

    @Test
    void promtoolUnitTestsOfEveryAlertPass() throws Exception {
        // the annotations are texts for people: left out here, so that rewording one breaks no test
        Files.writeString(dir.resolve(MonitoringKit.RULES), rulesWithoutAnnotations());
        Files.writeString(dir.resolve("skrl4j-rules.test.yml"), unitTests());

        Run test = MonitoringKit.run(dir, MonitoringKit.promtool().toString(), "test", "rules", "skrl4j-rules.test.yml");

        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertIsUnitTestedFiringAndQuiet() {
        Map<String, Object> file = new Yaml().load(unitTests());
        Map<String, Set<Boolean>> firesByAlert = new HashMap<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) file.get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
                List<?> expected = (List<?>) check.get("exp_alerts");
                firesByAlert.computeIfAbsent((String) check.get("alertname"), k -> new LinkedHashSet<>())
                        .add(expected != null && !expected.isEmpty());
            }
        }
        for (String alert : alertNames()) {
            assertThat(firesByAlert.get(alert)).as("%s is tested firing (true) and quiet (false)", alert)
                    .containsExactlyInAnyOrder(true, false);
        }
        assertThat(alertNames()).containsAll(firesByAlert.keySet());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasASeverityASummaryAndADescriptionNamingTheMetersItReads() {
        Map<String, String> recorded = new HashMap<>();
        for (Map<String, Object> rule : MonitoringKit.rules()) {
            if (rule.containsKey("record")) {
                assertThat((String) rule.get("record")).as("level:metric:operations")
                        .matches("[a-z_]+:skrl_optim_adam_[a-z_]+:[a-z0-9_]+");
                recorded.put((String) rule.get("record"), (String) rule.get("expr"));
                continue;
            }
            String alert = (String) rule.get("alert");
            assertThat(alert).matches("Skrl[A-Z][A-Za-z]+");
            Map<String, String> labels = (Map<String, String>) rule.get("labels");
            assertThat(labels.get("severity")).as(alert).isIn("warning", "critical");
            Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
            assertThat(annotations.get("summary")).as(alert).isNotBlank();
            String description = annotations.get("description");
            assertThat(description).as(alert).isNotBlank();

            String expr = (String) rule.get("expr");
            StringBuilder read = new StringBuilder(expr);
            recorded.forEach((name, recordedExpr) -> {
                if (expr.contains(name)) {
                    read.append('\n').append(recordedExpr);
                }
            });
            List<String> meters = new ArrayList<>();
            for (MonitoringKit.Selector s : MonitoringKit.selectors(read.toString())) {
                meters.add(s.metric().replaceAll("_(total|sum|count|max)$", ""));
            }
            assertThat(meters).as("%s reads meters", alert).isNotEmpty();
            assertThat(meters).as("%s's description names every meter it reads", alert)
                    .allMatch(description::contains);
        }
    }

    @Test
    void theStarterReadmeExplainsEveryAlertAndRecordingRule() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (Map<String, Object> rule : MonitoringKit.rules()) {
            String name = (String) (rule.containsKey("alert") ? rule.get("alert") : rule.get("record"));
            assertThat(readme).as("README.md names %s", name).contains("`" + name + "`");
        }
        assertThat(readme).contains(MonitoringKit.RESOURCE_DIR + MonitoringKit.RULES,
                MonitoringKit.RESOURCE_DIR + MonitoringKit.DASHBOARD);
    }

    private static List<String> alertNames() {
        return MonitoringKit.rules().stream().filter(r -> r.containsKey("alert")).map(r -> (String) r.get("alert"))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static String rulesWithoutAnnotations() {
        Map<String, Object> file = new Yaml().load(MonitoringKit.text(MonitoringKit.RULES));
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                rule.remove("annotations");
            }
        }
        return new Yaml().dump(file);
    }

    private static String unitTests() {
        try (InputStream in = PrometheusRulesTest.class.getClassLoader().getResourceAsStream(UNIT_TESTS)) {
            assertThat(in).as(UNIT_TESTS).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
