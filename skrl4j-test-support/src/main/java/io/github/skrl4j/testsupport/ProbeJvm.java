package io.github.skrl4j.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a probe (a class with a {@code main} that prints {@code key=value} lines) in a JVM of its own, on
 * the module path or the class path the caller gives, and reads back what it printed. The module-path
 * tests of adam-core and adam-distributed use it: what a module exports can only be seen from a JVM that
 * started with that module path.
 */
public final class ProbeJvm {

    private ProbeJvm() {
    }

    /** The facts {@code probe} printed, by key (a later fact of a key wins), run with {@code options}. */
    public static Map<String, String> run(Class<?> probe, List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.addAll(options);
        command.add(probe.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean exited = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as("the probe finished: " + output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Za-z.]+")) {
                facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return facts;
    }

    /**
     * Starts {@code main} with {@code args} in a JVM of its own on this JVM's class path and with this JVM's
     * {@code --add-*} options (Hazelcast's {@code --add-opens}), output and errors merged: a replica or a
     * cluster member the way an operator starts one beside this one.
     */
    public static Process startOnThisClassPath(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-")).toList());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The class-path entry (folder or jar) {@code type} was loaded from. */
    public static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
