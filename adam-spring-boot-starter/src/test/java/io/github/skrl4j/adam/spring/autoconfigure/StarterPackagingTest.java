package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the jar carries for Spring Boot and for IDEs. */
class StarterPackagingTest {

    @Test
    void everyAutoConfigurationIsListedInTheImportsFile() {
        List<String> candidates = new ArrayList<>();
        ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).forEach(candidates::add);
        assertThat(candidates).contains(AdamAutoConfiguration.class.getName(),
                AdamMetricsAutoConfiguration.class.getName(), AdamEndpointAutoConfiguration.class.getName(),
                AdamHealthAutoConfiguration.class.getName(), AdamObservationAutoConfiguration.class.getName());
    }

    @Test
    void autoConfigurationsAreFinalWithPackagePrivateBeanMethods() throws Exception {
        List<String> candidates = new ArrayList<>();
        ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).forEach(candidates::add);
        List<String> ours = candidates.stream().filter(c -> c.startsWith("io.github.skrl4j.")).toList();
        assertThat(ours).isNotEmpty();
        for (String name : ours) {
            Class<?> type = Class.forName(name);
            assertThat(Modifier.isFinal(type.getModifiers())).as(name + " is final").isTrue();
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Bean.class)) {
                    int modifiers = method.getModifiers();
                    assertThat(Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers)
                            || Modifier.isPrivate(modifiers)).as(name + "." + method.getName() + " is package-private")
                            .isFalse();
                }
            }
        }
    }

    @Test
    void thePackagesDependOnEachOtherOneWay() throws Exception {
        // package -> the starter packages its classes import, read from the sources
        Map<String, Set<String>> imports = new TreeMap<>();
        Path root = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = root.relativize(file.getParent()).toString().replace(file.getFileSystem().getSeparator(), ".");
                Set<String> targets = imports.computeIfAbsent(from, k -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("import io.github.skrl4j.adam.spring.")) {
                        String type = line.substring("import ".length(), line.length() - 1);
                        String to = type.substring(0, type.lastIndexOf('.'));
                        if (!to.equals(from)) {
                            targets.add(to);
                        }
                    }
                }
            }
        }
        assertThat(imports).containsKeys("io.github.skrl4j.adam.spring", "io.github.skrl4j.adam.spring.actuate",
                "io.github.skrl4j.adam.spring.metrics", "io.github.skrl4j.adam.spring.autoconfigure");
        for (String start : imports.keySet()) {
            assertThat(reachable(start, imports)).as("packages reachable from " + start).doesNotContain(start);
        }
    }

    private static Set<String> reachable(String start, Map<String, Set<String>> edges) {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(edges.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(edges.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    @Test
    void everyPropertyHasADescriptionInTheIdeMetadata() throws Exception {
        // written by spring-boot-configuration-processor from the fields' Javadoc
        JsonNode metadata = JsonMapper.builder().build()
                .readTree(Files.readString(Path.of("target/classes/META-INF/spring-configuration-metadata.json")));
        List<String> names = new ArrayList<>();
        for (JsonNode property : metadata.get("properties")) {
            String name = property.get("name").asString();
            names.add(name);
            if (name.startsWith("skrl.") || name.startsWith("management.health.optimizers")) {
                assertThat(property.has("description")).as(name).isTrue();
                assertThat(property.get("description").asString()).as(name).hasSizeGreaterThan(20);
            }
        }
        assertThat(names).contains("skrl.optim.adam.lr", "skrl.optim.adam.grad-norm-clip", "skrl.optim.adam.scale",
                "skrl.optim.adam.b1", "skrl.optim.adam.b2", "skrl.optim.adam.eps", "skrl.optim.adam.eps-root",
                "skrl.optim.adam.weight-decay", "skrl.optim.adam.amsgrad", "skrl.optim.adam.nesterov",
                "skrl.optim.adam.non-finite", "skrl.optim.adam.instances", "skrl.optim.adam.metrics.enabled",
                "skrl.optim.adam.health.allow-health-indicator-to-fail", "skrl.optim.adam.health.failure-threshold",
                "management.health.optimizers.enabled");
    }
}
