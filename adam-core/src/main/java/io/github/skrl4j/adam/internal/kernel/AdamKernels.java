package io.github.skrl4j.adam.internal.kernel;

import java.lang.System.Logger.Level;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the {@link AdamKernel} once per JVM, as Lucene's {@code VectorizationProvider} does: the
 * {@code jdk.incubator.vector} kernel when that module is in the boot layer (start the JVM with
 * {@code --add-modules jdk.incubator.vector}) and the processor has vectors of 256 bits or more,
 * otherwise the portable {@link ScalarAdamKernel}. Nothing fails when the module is absent: the
 * vector kernel's class is only loaded after the module was found.
 *
 * <p>The system property {@value #PROPERTY} = {@code scalar} forces the portable kernel (to compare
 * both, or to silence the incubator warning's consequences); {@code vector} insists on the vector
 * kernel and fails the start when it cannot be had; {@code auto} (default) picks as above.
 */
final class AdamKernels {

    static final String PROPERTY = "skrl4j.adam.kernel";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_KERNEL = "io.github.skrl4j.adam.internal.kernel.VectorAdamKernel";

    /** The kernel of this JVM. */
    static final AdamKernel DEFAULT = choose(System.getProperty(PROPERTY, "auto"));

    private AdamKernels() {
    }

    static AdamKernel choose(String setting) {
        String mode = setting.trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "scalar":
                return ScalarAdamKernel.INSTANCE;
            case "vector": {
                AdamKernel vector = vectorKernelOrNull();
                if (vector == null) {
                    throw new IllegalStateException(PROPERTY + "=vector but the " + VECTOR_MODULE
                            + " kernel is not available (start the JVM with --add-modules " + VECTOR_MODULE + ")");
                }
                return vector;
            }
            case "auto": {
                AdamKernel vector = vectorKernelOrNull();
                AdamKernel chosen = vector != null ? vector : ScalarAdamKernel.INSTANCE;
                System.getLogger(AdamKernels.class.getName()).log(Level.DEBUG, "Adam kernel: {0}", chosen.name());
                return chosen;
            }
            default:
                throw new IllegalStateException(PROPERTY + " must be auto, scalar or vector, was '" + setting + "'");
        }
    }

    /** The vector kernel, or null when the module is absent or the kernel declines this processor. */
    static @Nullable AdamKernel vectorKernelOrNull() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return null;
        }
        try {
            return (AdamKernel) Class.forName(VECTOR_KERNEL).getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // declined (narrow vectors) or not compiled in: the portable kernel does the work
            return null;
        }
    }
}
