package io.github.skrl4j.adam.distributed.modulepath;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.LocalCollectives;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What code outside adam-distributed sees of it on the module path: {@link ModulePathIT} runs this in
 * a JVM of its own, from the class path, with adam-distributed and adam-core on the module path, and
 * reads one {@code key=value} fact per line.
 */
public final class ModulePathProbe {

    private ModulePathProbe() {
    }

    public static void main(String[] args) throws Exception {
        Module distributed = Collective.class.getModule();
        fact("module", distributed.getName() + (distributed.isNamed() ? "" : " (unnamed)"));
        fact("exports.api", distributed.isExported("io.github.skrl4j.adam.distributed"));
        fact("exports.spi", distributed.isExported("io.github.skrl4j.adam.distributed.spi"));
        fact("exports.internal", distributed.isExported("io.github.skrl4j.adam.distributed.internal"));

        Class<?> engine = Class.forName("io.github.skrl4j.adam.distributed.internal.ChunkedCollective");
        Method over = engine.getMethod("over", Class.forName("io.github.skrl4j.adam.distributed.spi.Transport"),
                int.class, java.time.Duration.class);
        try {
            over.invoke(null, null, 1, null);
            fact("internal.call", "allowed");
        } catch (IllegalAccessException e) {
            fact("internal.call", "refused: " + e.getClass().getSimpleName());
        } catch (java.lang.reflect.InvocationTargetException e) {
            fact("internal.call", "allowed");
        }

        // the API works: two ranks, one all-reduce
        List<Collective> world = LocalCollectives.create(2);
        CompletableFuture<float[]> rank1 = CompletableFuture.supplyAsync(() -> {
            Tensors g = Tensors.of(Tensor.of("g", new float[] {3, 5}, 2));
            world.get(1).allReduceMean(g);
            return g.get(0).data();
        }, task -> new Thread(task).start());
        Tensors g = Tensors.of(Tensor.of("g", new float[] {1, 1}, 2));
        world.get(0).allReduceMean(g);
        float[] other = rank1.get();
        fact("mean", g.get(0).data()[0] + "," + g.get(0).data()[1] + " " + other[0] + "," + other[1]);
        world.forEach(Collective::close);
    }

    private static void fact(String key, Object value) {
        System.out.println(key + "=" + value);
    }
}
