package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Optimizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Only the vector kernel touches {@code jdk.incubator.vector}, and nothing names the vector kernel:
 * adam-core compiles as one module that reads the incubator module (see the pom), so this, and not the
 * compiler, keeps the portable code free of it, as the separate compilation of
 * {@code src/main/java-vector} did before the module had a descriptor.
 */
class VectorModuleUseTest {

    /** The vector kernel's name, without a reference to its class. */
    private static final String VECTOR_KERNEL = "io.github.skrl4j.adam.internal.kernel.VectorAdamKernel";
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)");

    @Test
    void onlyTheVectorKernelUsesTheIncubatorModuleAndNoClassNamesIt() throws Exception {
        Path classes = Path.of(Optimizer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        StringWriter out = new StringWriter();
        int status = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(out),
                "-verbose:class", "-filter:none", classes.toString());
        assertThat(status).as(out.toString()).isZero();

        Set<String> usersOfTheModule = new TreeSet<>();
        Set<String> usersOfTheKernel = new TreeSet<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                String from = m.group(1).replaceFirst("\\$.*", "");
                if (m.group(2).startsWith("jdk.incubator.vector.")) {
                    usersOfTheModule.add(from);
                }
                if (m.group(2).startsWith(VECTOR_KERNEL) && !from.equals(VECTOR_KERNEL)) {
                    usersOfTheKernel.add(from);
                }
            }
        }
        assertThat(usersOfTheModule).containsExactly(VECTOR_KERNEL);
        assertThat(usersOfTheKernel).isEmpty();
    }
}
