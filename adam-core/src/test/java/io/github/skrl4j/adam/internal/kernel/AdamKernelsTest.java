package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The kernel choice and the one line that reports it, for every way the vector kernel can be missing. */
class AdamKernelsTest {

    /** A System.Logger that keeps what it is given. */
    static final class CapturingLogger implements Logger {
        record Line(Level level, String message, @Nullable Throwable cause) {
        }

        final List<Line> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "capturing";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, @Nullable ResourceBundle bundle, @Nullable String msg, @Nullable Throwable thrown) {
            lines.add(new Line(level, String.valueOf(msg), thrown));
        }

        @Override
        public void log(Level level, @Nullable ResourceBundle bundle, @Nullable String format, Object... params) {
            lines.add(new Line(level, java.text.MessageFormat.format(String.valueOf(format), params), null));
        }
    }

    /** Declines like the vector kernel on a processor with narrow vectors. */
    public static final class DecliningKernel {
        public DecliningKernel() {
            throw new UnsupportedOperationException("preferred float vector has 4 lanes");
        }
    }

    /** Fails like a vector kernel compiled against another JDK's Vector API. */
    public static final class BrokenKernel {
        public BrokenKernel() {
            throw new NoSuchMethodError("jdk.incubator.vector.FloatVector.fromArray");
        }
    }

    private static final String VECTOR = "io.github.skrl4j.adam.internal.kernel.VectorAdamKernel";

    @Test
    void withTheModuleTheVectorKernelRunsAndOneInfoLineNamesIt() {
        CapturingLogger log = new CapturingLogger();
        AdamKernel kernel = AdamKernels.choose("auto", log, true, VECTOR);
        assertThat(kernel).isInstanceOf(WarmingKernel.class);
        assertThat(kernel.name()).startsWith("vector-");
        assertThat(log.lines).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(Level.INFO);
            assertThat(line.message()).contains(kernel.name()).contains("jdk.incubator.vector");
        });
    }

    @Test
    void withoutTheModuleThePortableKernelRunsAndTheLineSaysHowToEnableTheVectorKernel() {
        CapturingLogger log = new CapturingLogger();
        assertThat(AdamKernels.choose("auto", log, false, VECTOR)).isSameAs(ScalarAdamKernel.INSTANCE);
        assertThat(log.lines).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(Level.INFO);
            assertThat(line.message()).contains("scalar").contains("--add-modules jdk.incubator.vector");
            assertThat(line.cause()).isNull();
        });
    }

    @Test
    void aProcessorWithNarrowVectorsGetsThePortableKernelAtInfo() {
        CapturingLogger log = new CapturingLogger();
        assertThat(AdamKernels.choose("auto", log, true, DecliningKernel.class.getName()))
                .isSameAs(ScalarAdamKernel.INSTANCE);
        assertThat(log.lines).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(Level.INFO);
            assertThat(line.message()).contains("scalar").contains("4 lanes");
        });
    }

    @Test
    void aVectorKernelThatFailsToLoadIsAWarningWithItsCause() {
        CapturingLogger log = new CapturingLogger();
        assertThat(AdamKernels.choose("auto", log, true, BrokenKernel.class.getName()))
                .isSameAs(ScalarAdamKernel.INSTANCE);
        assertThat(log.lines).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(Level.WARNING);
            assertThat(line.message()).contains("scalar").contains("failed to load");
            assertThat(line.cause()).isInstanceOf(NoSuchMethodError.class);
        });

        CapturingLogger missing = new CapturingLogger();
        assertThat(AdamKernels.choose("auto", missing, true, "io.github.skrl4j.adam.internal.kernel.Absent"))
                .isSameAs(ScalarAdamKernel.INSTANCE);
        assertThat(missing.lines).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(Level.WARNING);
            assertThat(line.cause()).isInstanceOf(ClassNotFoundException.class);
        });
    }

    @Test
    void thePropertyForcesAKernelOrFailsNamingWhy() {
        CapturingLogger log = new CapturingLogger();
        assertThat(AdamKernels.choose("scalar", log, true, VECTOR)).isSameAs(ScalarAdamKernel.INSTANCE);
        assertThat(log.lines).singleElement().satisfies(line -> assertThat(line.message()).contains("scalar"));
        assertThatIllegalStateException()
                .isThrownBy(() -> AdamKernels.choose("vector", new CapturingLogger(), false, VECTOR))
                .withMessageContaining("--add-modules jdk.incubator.vector");
        assertThatIllegalStateException()
                .isThrownBy(() -> AdamKernels.choose(" Fast ", new CapturingLogger(), true, VECTOR))
                .withMessageContaining(AdamKernels.PROPERTY);
    }

    @Test
    void theWarmingKernelHandsOverToTheVectorKernelAndGivesTheSameBitsBeforeAndAfter() throws Exception {
        AdamKernel vector = AdamKernels.vectorKernelOrNull();
        assertThat(vector).isNotNull();
        WarmingKernel warming = new WarmingKernel(vector);
        float[] g = new float[5_000];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) Math.sin(i) * 1e-2f;
        }
        double cold = warming.sumOfSquares(g, 0, g.length, new NormScratch());
        assertThat(warming.awaitWarm(60_000)).isTrue();
        assertThat(warming.sumOfSquares(g, 0, g.length, new NormScratch())).isEqualTo(cold);
        assertThat(warming.name()).isEqualTo(vector.name());
    }
}
