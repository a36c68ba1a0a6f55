package io.github.skrl4j.adam.spring.monitoring;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shipped monitoring kit as the tests read it: the files under {@value #RESOURCE_DIR} on the class
 * path (what the jar carries), their PromQL expressions, and Debian's {@code promtool}.
 */
final class MonitoringKit {

    /** Where the starter's jar carries the kit. */
    static final String RESOURCE_DIR = "META-INF/skrl4j/monitoring/";
    static final String RULES = "skrl4j-rules.yml";
    static final String DASHBOARD = "skrl4j-dashboard.json";
    /** Every file of the kit: the jar's and docs/monitoring's copies must be these. */
    static final List<String> FILES = List.of(RULES, DASHBOARD);

    // a meter's series in an expression, with its label matchers: skrl_optim_adam_steps_total{outcome="applied"}
    // (not the middle of a recorded series' name such as name:skrl_optim_adam_steps:rate5m)
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w:])(skrl_optim_adam_[a-z_]+)(?![\\w:])(\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");

    private MonitoringKit() {
    }

    static String text(String file) {
        try (InputStream in = MonitoringKit.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new AssertionError("no " + RESOURCE_DIR + file + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The rules file's rules, in order (each a map with record or alert, expr, and labels, annotations, for). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules() {
        Map<String, Object> file = new Yaml().load(text(RULES));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    static JsonNode dashboard() {
        return JsonMapper.builder().build().readTree(text(DASHBOARD));
    }

    /** Every expression of the dashboard's panels, keyed "panel 3 'title' B". */
    static Map<String, String> dashboardExpressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode panel : dashboard().get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put("panel " + panel.get("id").asInt() + " '" + panel.get("title").asString() + "' "
                        + target.get("refId").asString(), target.get("expr").asString());
            }
        }
        return expressions;
    }

    /** A dashboard expression as Prometheus takes it: Grafana's variables replaced by what "All" means. */
    static String withoutGrafanaVariables(String expr, String rateInterval) {
        return expr.replace("$__rate_interval", rateInterval).replace("$job", ".*").replace("$instance", ".*")
                .replace("$name", ".*");
    }

    /** One series selector of a meter in an expression. */
    record Selector(String metric, List<LabelMatcher> matchers) {
        @Override
        public String toString() {
            return metric + matchers;
        }
    }

    /** A label matcher: label, operator ({@code =}, {@code !=}, {@code =~}, {@code !~}), value. */
    record LabelMatcher(String label, String op, String value) {
        boolean matches(String actual) {
            String v = actual == null ? "" : actual;
            return switch (op) {
                case "=" -> v.equals(value);
                case "!=" -> !v.equals(value);
                case "=~" -> v.matches(value);
                default -> !v.matches(value);
            };
        }

        @Override
        public String toString() {
            return label + op + '"' + value + '"';
        }
    }

    /** The selectors of skrl4j's meters in {@code expr}. */
    static List<Selector> selectors(String expr) {
        List<Selector> selectors = new ArrayList<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            List<LabelMatcher> matchers = new ArrayList<>();
            if (m.group(3) != null) {
                Matcher l = MATCHER.matcher(m.group(3));
                while (l.find()) {
                    matchers.add(new LabelMatcher(l.group(1), l.group(2), l.group(3)));
                }
            }
            selectors.add(new Selector(m.group(1), matchers));
        }
        return selectors;
    }

    /** {@code promtool}: PROMTOOL if set, else from PATH; Debian's {@code prometheus} package brings it. */
    static Path promtool() {
        String configured = System.getenv("PROMTOOL");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("promtool not found on PATH: install Debian's prometheus package"
                + " (apt-get install prometheus; .ci/run does this when it is missing) or set PROMTOOL");
    }

    /** Exit code and output (stdout and stderr) of a finished process. */
    record Run(int exitCode, String output) {
    }

    /** Runs {@code command} in {@code dir} for at most 60 s. */
    static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "run", ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not end within 60 s: "
                    + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log));
    }
}
