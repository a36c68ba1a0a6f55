package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.testing.ClassDependencies;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The architecture holds: no group of classes that depend on each other in a circle spans more than
 * one package (public API, pipeline, kernel, checkpoint stay layered). The dependencies are the
 * compiled classes' own, as the JDK's {@code jdeps -verbose:class} reports them; nested classes count
 * as their top-level class.
 */
class PackageCyclesTest {

    @Test
    void noClassLevelCycleCrossesAPackage() throws Exception {
        Map<String, Set<String>> graph = ClassDependencies.of(Optimizer.class);
        assertThat(graph).containsKey(Optimizer.class.getName());

        List<String> crossing = new ArrayList<>();
        for (Set<String> component : stronglyConnected(graph)) {
            Set<String> packages = new TreeSet<>();
            for (String c : component) {
                packages.add(c.substring(0, c.lastIndexOf('.')));
            }
            if (packages.size() > 1) {
                crossing.add(new TreeSet<>(component).toString());
            }
        }
        assertThat(crossing).as("class cycles across packages").isEmpty();
    }

    /** Tarjan's strongly connected components (recursive: the graph has a few dozen classes). */
    private static List<Set<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> components = new ArrayList<>();
        int[] counter = {0};
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                visit(start, graph, index, low, stack, onStack, components, counter);
            }
        }
        return components;
    }

    private static void visit(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                              Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                              List<Set<String>> components, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                visit(w, graph, index, low, stack, onStack, components, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            components.add(component);
        }
    }
}
