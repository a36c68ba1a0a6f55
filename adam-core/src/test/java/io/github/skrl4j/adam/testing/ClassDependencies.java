package io.github.skrl4j.adam.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * The class-level dependencies of adam-core's compiled main classes, as the JDK's
 * {@code jdeps -verbose:class} reports them, for tests that hold the architecture.
 */
public final class ClassDependencies {

    /** The package every project class is in. */
    public static final String ROOT = "io.github.skrl4j.adam.";
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)");

    private ClassDependencies() {
    }

    /**
     * Every main class (nested classes counted as their top-level class) to the other project
     * classes it uses.
     *
     * @param anyMainClass a class of the main output directory to analyse
     */
    public static Map<String, Set<String>> of(Class<?> anyMainClass) throws URISyntaxException {
        Path classes = Path.of(anyMainClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
                classes.toString());
        assertThat(status).as(out.toString()).isZero();
        Map<String, Set<String>> dependencies = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                String from = topLevel(m.group(1));
                String to = topLevel(m.group(2));
                if (from.startsWith(ROOT) && to.startsWith(ROOT) && !to.equals(from)) {
                    dependencies.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                }
            }
        }
        assertThat(dependencies).as("jdeps output").isNotEmpty();
        return dependencies;
    }

    private static String topLevel(String className) {
        int nested = className.indexOf('$');
        return nested < 0 ? className : className.substring(0, nested);
    }
}
