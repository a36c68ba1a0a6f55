package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The numbers of docs/benchmarks.md's data-parallel section (not a test): the median time of an
 * all-reduce (mean) of a gradient of 4,610, 1,048,576 and 16,777,216 floats with 2 and 3 Hazelcast
 * members of one JVM on loopback, next to the median time of one Adam step of the same size, and the
 * bytes allocated per reduction by all threads of the JVM.
 *
 * <p>Run: {@code ./mvnw -B -q -pl adam-hazelcast -am test-compile}, then
 * {@code java -Xmx6g -cp "$(cat cp.txt):adam-hazelcast/target/test-classes:adam-hazelcast/target/classes:adam-distributed/target/classes:adam-core/target/classes:skrl4j-test-support/target/classes" io.github.skrl4j.adam.hazelcast.AllReduceBenchmark}
 * (see docs/benchmarks.md).
 */
public final class AllReduceBenchmark {

    private AllReduceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = {4_610, 1 << 20, 1 << 24};
        int[] worlds = {2, 3};
        System.out.printf("%-12s %-8s %14s %14s %16s%n", "params", "members", "all-reduce ms", "adam step ms",
                "alloc/reduce MB");
        for (int world : worlds) {
            List<HazelcastInstance> members = LoopbackCluster.start(world);
            try {
                for (int size : sizes) {
                    int warmup = size < 100_000 ? 200 : size < 2_000_000 ? 10 : 3;
                    int rounds = size < 100_000 ? 500 : size < 2_000_000 ? 30 : 7;
                    double[] result = measure(members, size, warmup, rounds);
                    System.out.printf("%-12d %-8d %14.3f %14.3f %16.1f%n", size, world, result[0], result[1],
                            result[2]);
                }
            } finally {
                members.forEach(m -> m.getLifecycleService().terminate());
            }
        }
    }

    /** Median all-reduce ms, median Adam step ms, MB allocated per reduction (whole JVM). */
    private static double[] measure(List<HazelcastInstance> members, int size, int warmup, int rounds)
            throws Exception {
        int world = members.size();
        ExecutorService threads = Executors.newFixedThreadPool(world);
        try {
            List<Collective> collectives = join(members, "bench-" + size, threads);
            List<Tensors> grads = new ArrayList<>();
            for (int r = 0; r < world; r++) {
                grads.add(Tensors.of(Tensor.of("g", random(size, r), size)));
            }
            double[] times = new double[rounds];
            long allocated = 0;
            for (int i = -warmup; i < rounds; i++) {
                long before = allocatedBytes();
                long start = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int r = 0; r < world; r++) {
                    int rank = r;
                    done.add(threads.submit(() -> collectives.get(rank).allReduceMean(grads.get(rank))));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                long nanos = System.nanoTime() - start;
                long after = allocatedBytes();
                if (i >= 0) {
                    times[i] = nanos / 1e6;
                    allocated += after - before;
                }
            }
            collectives.forEach(Collective::close);
            return new double[] {median(times), adamStepMillis(size, warmup, rounds),
                    allocated / (double) rounds / (1 << 20)};
        } finally {
            threads.shutdownNow();
        }
    }

    private static List<Collective> join(List<HazelcastInstance> members, String run, ExecutorService threads)
            throws Exception {
        List<Future<Collective>> joined = new ArrayList<>();
        for (HazelcastInstance m : members) {
            joined.add(threads.submit(() -> HazelcastCollectives.join(m, HazelcastCollectiveOptions.of(run,
                    members.size()).withTimeout(Duration.ofMinutes(2)))));
        }
        List<Collective> result = new ArrayList<>();
        for (Future<Collective> f : joined) {
            result.add(f.get());
        }
        return result;
    }

    private static double adamStepMillis(int size, int warmup, int rounds) {
        Tensors params = Tensors.of(Tensor.of("p", random(size, 7), size));
        Tensors grad = Tensors.of(Tensor.of("p", random(size, 8), size));
        try (Optimizer optimizer = Adam.builder().lr(1e-3).build().init(params)) {
            double[] times = new double[rounds];
            for (int i = -warmup; i < rounds; i++) {
                long start = System.nanoTime();
                optimizer.step(grad, params);
                if (i >= 0) {
                    times[i] = (System.nanoTime() - start) / 1e6;
                }
            }
            return median(times);
        }
    }

    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = bean.getAllThreadIds();
        long sum = 0;
        for (long a : bean.getThreadAllocatedBytes(ids)) {
            if (a > 0) {
                sum += a;
            }
        }
        return sum;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
