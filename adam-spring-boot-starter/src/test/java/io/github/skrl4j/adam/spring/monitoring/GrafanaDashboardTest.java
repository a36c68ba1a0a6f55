package io.github.skrl4j.adam.spring.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.spring.monitoring.MonitoringKit.Run;
import io.github.skrl4j.testsupport.Prometheus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * The shipped Grafana dashboard has the structure Grafana's import takes (a schema version, a uid,
 * unique panel ids on a 24-column grid without overlaps, the datasource, job, instance and optimizer
 * variables), every query goes through the datasource variable and filters by the variables, and
 * every PromQL expression parses (promtool, as a recording rule). What it looks like in Grafana is not
 * checked here: there is no Grafana in the build.
 */
class GrafanaDashboardTest {

    private final JsonNode dashboard = MonitoringKit.dashboard();

    @TempDir
    Path dir;

    @Test
    void hasWhatGrafanasImportNeeds() {
        assertThat(dashboard.get("schemaVersion").isInt()).isTrue();
        // a recent classic-model schema (datasource references as objects, timeseries panels)
        assertThat(dashboard.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.get("uid").asString()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(dashboard.get("title").asString()).isNotBlank();
        // null: the importing Grafana gives its own id
        assertThat(dashboard.get("id").isNull()).isTrue();
        assertThat(dashboard.get("panels").isArray()).isTrue();
        assertThat(dashboard.get("templating").get("list").isArray()).isTrue();
        assertThat(dashboard.get("time").get("from").asString()).isNotBlank();
    }

    @Test
    void panelIdsAreUniqueAndPanelsTileTheGridWithoutOverlapping() {
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("id").isInt()).as("panel id of %s", panel.get("title")).isTrue();
            assertThat(ids.add(panel.get("id").asInt())).as("panel id %s is unique", panel.get("id")).isTrue();
            assertThat(panel.get("type").asString()).isIn("row", "timeseries", "stat");
            JsonNode grid = panel.get("gridPos");
            int x = grid.get("x").asInt();
            int y = grid.get("y").asInt();
            int w = grid.get("w").asInt();
            int h = grid.get("h").asInt();
            assertThat(x).isNotNegative();
            assertThat(w).isPositive();
            assertThat(h).isPositive();
            assertThat(x + w).as("panel %s fits the 24 columns", panel.get("id")).isLessThanOrEqualTo(24);
            for (int[] other : boxes) {
                boolean apart = x + w <= other[0] || other[0] + other[2] <= x || y + h <= other[1]
                        || other[1] + other[3] <= y;
                assertThat(apart).as("panel %s overlaps another", panel.get("id")).isTrue();
            }
            boxes.add(new int[] {x, y, w, h});
        }
        assertThat(ids).hasSizeGreaterThanOrEqualTo(15);
    }

    @Test
    void templatedOnDatasourceJobInstanceAndOptimizerName() {
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        for (JsonNode variable : dashboard.get("templating").get("list")) {
            variables.put(variable.get("name").asString(), variable);
        }
        assertThat(variables).containsOnlyKeys("datasource", "job", "instance", "name");
        assertThat(variables.get("datasource").get("type").asString()).isEqualTo("datasource");
        assertThat(variables.get("datasource").get("query").asString()).isEqualTo("prometheus");
        Map<String, List<String>> dependsOn = Map.of("job", List.of(), "instance", List.of("$job"),
                "name", List.of("$job", "$instance"));
        dependsOn.forEach((name, earlier) -> {
            JsonNode variable = variables.get(name);
            assertThat(variable.get("type").asString()).isEqualTo("query");
            assertThat(variable.get("datasource").get("uid").asString()).isEqualTo("${datasource}");
            String query = variable.get("query").get("query").asString();
            assertThat(query).isEqualTo(variable.get("definition").asString())
                    .startsWith("label_values(skrl_optim_adam_steps_total").endsWith(", " + name + ")");
            for (String variableBefore : earlier) {
                assertThat(query).contains(variableBefore);
            }
            assertThat(variable.get("includeAll").asBoolean()).isTrue();
            assertThat(variable.get("multi").asBoolean()).isTrue();
        });
    }

    @Test
    void everyQueryUsesTheDatasourceVariableAndFiltersByTheOtherVariables() {
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.get("type").asString().equals("row")) {
                continue;
            }
            assertThat(panel.get("datasource").get("uid").asString()).isEqualTo("${datasource}");
            assertThat(panel.get("targets")).as("panel %s has queries", panel.get("id")).isNotEmpty();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.get("targets")) {
                assertThat(refIds.add(target.get("refId").asString())).isTrue();
                assertThat(target.get("datasource").get("uid").asString()).isEqualTo("${datasource}");
                String expr = target.get("expr").asString();
                List<MonitoringKit.Selector> selectors = MonitoringKit.selectors(expr);
                assertThat(selectors).as(expr).isNotEmpty();
                for (MonitoringKit.Selector s : selectors) {
                    List<String> filters = s.matchers().stream().map(Object::toString).toList();
                    assertThat(filters).as(expr).contains("job=~\"$job\"", "instance=~\"$instance\"");
                    // the data-parallel meters belong to the replica, not to one optimizer
                    if (!s.metric().startsWith("skrl_optim_adam_distributed_")) {
                        assertThat(filters).as(expr).contains("name=~\"$name\"");
                    }
                }
            }
        }
    }

    @Prometheus
    @Test
    void everyExpressionParses() throws Exception {
        Map<String, Object> rule;
        List<Map<String, Object>> rules = new ArrayList<>();
        int i = 0;
        for (String expr : MonitoringKit.dashboardExpressions().values()) {
            rule = new HashMap<>();
            rule.put("record", "dashboard:expression_" + i++ + ":parses");
            rule.put("expr", MonitoringKit.withoutGrafanaVariables(expr, "1m"));
            rules.add(rule);
        }
        Files.writeString(dir.resolve("dashboard.yml"),
                new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));

        Run check = MonitoringKit.run(dir, MonitoringKit.promtool().toString(), "check", "rules", "dashboard.yml");

        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + rules.size() + " rules found");
    }
}
