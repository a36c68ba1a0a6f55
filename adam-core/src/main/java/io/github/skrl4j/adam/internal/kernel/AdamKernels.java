package io.github.skrl4j.adam.internal.kernel;

import io.github.skrl4j.adam.AdamSettings;
import java.lang.System.Logger;
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
 * <p>The choice is logged once, at INFO, naming the kernel and, when the module is absent, the flag
 * that enables the vector kernel. A vector kernel that fails to load for another reason than narrow
 * vectors (a linkage error, a packaging mistake) is logged at WARNING with its cause.
 *
 * <p>The chosen vector kernel is wrapped in a {@link WarmingKernel}: the Vector API runs boxed and
 * slowly until C2 has compiled it, so an optimizer's start that warms up ({@code WarmUp}) warms it
 * before the first step, and until it is warm (a warm-up past its deadline goes on in the background)
 * the calls go to the portable kernel, which gives the same bits; so do the calls of a loop no
 * optimizer's start warmed.
 *
 * <p>The system property {@value #PROPERTY} = {@code scalar} forces the portable kernel (to compare
 * both); {@code vector} insists on the vector kernel and fails the start when it cannot be had;
 * {@code auto} (default) picks as above.
 */
public final class AdamKernels {

    static final String PROPERTY = "skrl4j.adam.kernel";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_KERNEL = "io.github.skrl4j.adam.internal.kernel.VectorAdamKernel";
    private static final Logger LOG = System.getLogger(AdamKernels.class.getName());

    /** The kernel of this JVM, chosen and logged on first use. */
    private static final class Holder {
        static final AdamKernel DEFAULT = choose(System.getProperty(PROPERTY, "auto"), LOG);
    }

    private AdamKernels() {
    }

    static AdamKernel defaultKernel() {
        return Holder.DEFAULT;
    }

    /** The name of this JVM's kernel ({@code scalar}, {@code vector-512}, ...); chooses it if not done yet. */
    public static String activeName() {
        return Holder.DEFAULT.name();
    }

    /** True when this JVM's kernel is the {@code jdk.incubator.vector} one. */
    public static boolean activeIsVector() {
        return Holder.DEFAULT != ScalarAdamKernel.INSTANCE;
    }

    /** The name of the portable kernel ({@code scalar}), which runs every call the vector kernel was not handed. */
    public static String portableName() {
        return ScalarAdamKernel.INSTANCE.name();
    }

    /** Where the update loop of an optimizer's steps runs, as {@link #loopKernel(AdamSettings)} reports it. */
    public enum LoopKernel {
        /** The portable kernel, and it stays there until another optimizer's start warms the vector kernel's loop. */
        PORTABLE,
        /**
         * The portable kernel while the vector kernel's loop is warmed up (a start's warm-up past its deadline
         * goes on in the background, or another optimizer's start is warming it); the vector kernel once it ends.
         */
        WARMING,
        /** The vector kernel (the norm too: a loop is only handed over with it). */
        VECTOR
    }

    /**
     * Where the update loop of steps with these settings runs now, on this JVM's kernel: one or two volatile
     * reads, for a report (a step never asks; the kernel's calls decide by the same fields).
     */
    public static LoopKernel loopKernel(AdamSettings settings) {
        return loopKernel(Holder.DEFAULT, KernelWarmUp.loopsOf(settings));
    }

    /** Where the calls of this update loop ({@link KernelWarmUp#PLAIN}, ...) of {@code kernel} go now. */
    static LoopKernel loopKernel(AdamKernel kernel, int loop) {
        if (kernel == ScalarAdamKernel.INSTANCE) {
            return LoopKernel.PORTABLE;
        }
        return kernel instanceof WarmingKernel ? ((WarmingKernel) kernel).loopKernel(loop) : LoopKernel.VECTOR;
    }

    /** Waits up to {@code millis} for this JVM's kernel to be warm (starting its warm-up); true when it is. */
    public static boolean awaitWarm(long millis) throws InterruptedException {
        AdamKernel kernel = Holder.DEFAULT;
        return !(kernel instanceof WarmingKernel) || ((WarmingKernel) kernel).awaitWarm(millis);
    }

    /** Why the vector kernel is not used, or null when it loaded. */
    private record Outcome(@Nullable AdamKernel kernel, Level level, String why, @Nullable Throwable cause) {
    }

    static AdamKernel choose(String setting, Logger log) {
        return choose(setting, log, ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent(), VECTOR_KERNEL);
    }

    /** The choice for a JVM with or without the vector module and the given vector kernel class (for tests). */
    static AdamKernel choose(String setting, Logger log, boolean vectorModule, String vectorKernelClass) {
        String mode = setting.trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "scalar":
                log.log(Level.INFO, "skrl4j Adam kernel: scalar (portable; " + PROPERTY + "=scalar)");
                return ScalarAdamKernel.INSTANCE;
            case "vector": {
                Outcome vector = loadVectorKernel(vectorModule, vectorKernelClass);
                if (vector.kernel() == null) {
                    throw new IllegalStateException(PROPERTY + "=vector but the " + VECTOR_MODULE
                            + " kernel is not available: " + vector.why(), vector.cause());
                }
                log.log(Level.INFO, "skrl4j Adam kernel: " + vector.kernel().name() + " (" + VECTOR_MODULE + ")");
                return new WarmingKernel(vector.kernel());
            }
            case "auto": {
                Outcome vector = loadVectorKernel(vectorModule, vectorKernelClass);
                if (vector.kernel() != null) {
                    log.log(Level.INFO, "skrl4j Adam kernel: " + vector.kernel().name() + " (" + VECTOR_MODULE + ")");
                    return new WarmingKernel(vector.kernel());
                }
                String message = "skrl4j Adam kernel: scalar (portable); " + vector.why();
                if (vector.cause() != null) {
                    log.log(vector.level(), message, vector.cause());
                } else {
                    log.log(vector.level(), message);
                }
                return ScalarAdamKernel.INSTANCE;
            }
            default:
                throw new IllegalStateException(PROPERTY + " must be auto, scalar or vector, was '" + setting + "'");
        }
    }

    /** The vector kernel, or null when the module is absent or the kernel declines this processor. */
    static @Nullable AdamKernel vectorKernelOrNull() {
        return loadVectorKernel(ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent(), VECTOR_KERNEL).kernel();
    }

    private static Outcome loadVectorKernel(boolean vectorModule, String vectorKernelClass) {
        if (!vectorModule) {
            return new Outcome(null, Level.INFO, "start the JVM with --add-modules " + VECTOR_MODULE
                    + " for the vector kernel", null);
        }
        try {
            // adam-core's module descriptor does not name the incubator module (see module-info.java):
            // on the module path the kernel's module reads it from here on; on the class path a no-op
            ModuleLayer.boot().findModule(VECTOR_MODULE).ifPresent(AdamKernels.class.getModule()::addReads);
            return new Outcome((AdamKernel) Class.forName(vectorKernelClass).getConstructor().newInstance(),
                    Level.INFO, "", null);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnsupportedOperationException) {
                // the kernel's own decision: vectors too narrow to pay off
                return new Outcome(null, Level.INFO, "the vector kernel declined this processor: "
                        + cause.getMessage(), null);
            }
            return new Outcome(null, Level.WARNING, "the " + VECTOR_MODULE + " kernel failed to load", cause);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // not compiled in, or compiled against another Vector API: a packaging mistake
            return new Outcome(null, Level.WARNING, "the " + VECTOR_MODULE + " kernel failed to load", e);
        }
    }
}
