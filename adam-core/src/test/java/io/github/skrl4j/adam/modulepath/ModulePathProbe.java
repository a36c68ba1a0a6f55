package io.github.skrl4j.adam.modulepath;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.time.Duration;

/**
 * What code outside adam-core sees of it on the module path: {@link ModulePathIT} runs this in a JVM
 * of its own, from the class path (the unnamed module), with adam-core's jar on the module path, and
 * reads one {@code key=value} fact per line. In a package of its own, because a package of adam-core
 * on the class path would be hidden by the module's.
 */
public final class ModulePathProbe {

    private ModulePathProbe() {
    }

    public static void main(String[] args) throws Exception {
        Module adam = Optimizer.class.getModule();
        fact("module", adam.getName() + (adam.isNamed() ? "" : " (unnamed)"));
        fact("exports.api", adam.isExported("io.github.skrl4j.adam"));
        fact("exports.internal.kernel", adam.isExported("io.github.skrl4j.adam.internal.kernel"));

        // loading an internal class is allowed; using it is not
        Class<?> internal = Class.forName("io.github.skrl4j.adam.internal.kernel.AdamKernels");
        Method activeName = internal.getMethod("activeName");
        try {
            fact("internal.call", "allowed: " + activeName.invoke(null));
        } catch (IllegalAccessException e) {
            fact("internal.call", "refused: " + e.getClass().getSimpleName());
        }
        try {
            activeName.setAccessible(true);
            fact("internal.setAccessible", "allowed");
        } catch (InaccessibleObjectException e) {
            fact("internal.setAccessible", "refused: " + e.getClass().getSimpleName());
        }

        // the API works, on whichever kernel the JVM's modules allow
        Tensors params = Tensors.of(Tensor.of("w", new float[] {0.5f, -1.25f, 3f, 0.125f, -7f}, 5));
        Optimizer optimizer = Adam.builder().lr(1e-2).build().init(params);
        for (int step = 0; step < 3; step++) {
            Tensors grad = Tensors.of(Tensor.of("w", new float[] {0.1f, -0.2f, 0.3f * step, 1e-3f, 5f}, 5));
            optimizer = optimizer.step(grad, params);
            // the vector kernel, if any, takes over once its background warm-up is done
            fact("warm", Kernels.awaitWarm(Duration.ofSeconds(60)));
        }
        fact("kernel", Kernels.active().name());
        fact("vectorized", Kernels.active().vectorized());
        StringBuilder bits = new StringBuilder();
        for (float v : params.get(0).data()) {
            bits.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(' ');
        }
        fact("parameters", bits.toString().trim());
    }

    private static void fact(String key, Object value) {
        System.out.println(key + "=" + value);
    }
}
