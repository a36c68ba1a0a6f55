package io.github.skrl4j.benchmarks;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepEvent;
import io.github.skrl4j.adam.StepListener;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.WarmUp;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One skrl4j Adam step per operation, the cases of issues 3, 12 and 24. The forks run without JVM flags
 * but the heap size, so they measure the portable kernel, what a JVM started the ordinary way runs;
 * run.sh runs them a second time with {@code -jvmArgsAppend "--add-modules jdk.incubator.vector"}
 * for the vector kernel. Each fork waits for the kernel's warm-up before it measures.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AdamStepBenchmark {

    /** 16,777,216 parameters as 1 tensor or 64 tensors of 262,144, clip 1.0, 1 or 2 threads. */
    @State(Scope.Benchmark)
    public static class Large {
        @Param({"1", "64"})
        public int tensors;

        @Param({"1", "2"})
        public int threads;

        Tensors params;
        Tensors grads;
        Optimizer optimizer;

        @Setup(Level.Trial)
        public void setUp() {
            params = Workloads.equalTensors(tensors, Workloads.LARGE / tensors, false);
            grads = Workloads.equalTensors(tensors, Workloads.LARGE / tensors, true);
            optimizer = Adam.builder().warmUp(WarmUp.AT_START).lr(1e-3).gradNormClip(1.0).parallelism(threads).build().init(params);
            awaitWarmKernel();
        }
    }

    /**
     * The kernel's warm-up is over before any timing: every case's optimizer warms up at its start
     * ({@link WarmUp#AT_START}, so that the small models measure the same kernel as the large ones: under
     * the default they would run the portable kernel), and a warm-up past its deadline goes on in the
     * background until this returns.
     */
    static void awaitWarmKernel() {
        try {
            if (!Kernels.awaitWarm(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the step kernel did not warm up within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** skrl's PPO policy MLP (4,610 parameters in 6 tensors), clip 0.5, the calling thread only. */
    @State(Scope.Benchmark)
    public static class Policy {
        Tensors params;
        Tensors grads;
        Optimizer optimizer;

        @Setup(Level.Trial)
        public void setUp() {
            params = Workloads.policy(false);
            grads = Workloads.policy(true);
            optimizer = Adam.builder().warmUp(WarmUp.AT_START).lr(1e-3).gradNormClip(0.5).parallelism(1).build().init(params);
            awaitWarmKernel();
        }
    }

    /** Six tensors of 768 (4,608 parameters), clip 1.0, the calling thread only: per-call costs of small tensors. */
    @State(Scope.Benchmark)
    public static class Six768 {
        Tensors params;
        Tensors grads;
        Optimizer optimizer;

        @Setup(Level.Trial)
        public void setUp() {
            params = Workloads.equalTensors(6, 768, false);
            grads = Workloads.equalTensors(6, 768, true);
            optimizer = Adam.builder().warmUp(WarmUp.AT_START).lr(1e-3).gradNormClip(1.0).parallelism(1).build().init(params);
            awaitWarmKernel();
        }
    }

    /**
     * The policy with each Optax option the plain loop does not cover (issue 12: each within 1.3x of
     * the plain step on the same kernel): AMSGrad, Nesterov, decoupled weight decay, epsRoot.
     */
    @State(Scope.Benchmark)
    public static class PolicyOption {
        @Param({"plain", "amsgrad", "nesterov", "weightDecay", "epsRoot"})
        public String option;

        Tensors params;
        Tensors grads;
        Optimizer optimizer;

        @Setup(Level.Trial)
        public void setUp() {
            params = Workloads.policy(false);
            grads = Workloads.policy(true);
            Adam.Builder settings = Adam.builder().warmUp(WarmUp.AT_START).lr(1e-3).gradNormClip(0.5).parallelism(1);
            switch (option) {
                case "plain" -> { }
                case "amsgrad" -> settings.amsgrad(true);
                case "nesterov" -> settings.nesterov(true);
                case "weightDecay" -> settings.weightDecay(1e-4);
                case "epsRoot" -> settings.epsRoot(1e-8);
                default -> throw new IllegalArgumentException(option);
            }
            optimizer = settings.build().init(params);
            awaitWarmKernel();
        }
    }

    /**
     * The policy with a {@link StepListener}, measured paired: the listener is attached in every odd
     * iteration (warm-up iterations counted) and removed in every even one, so that one JVM, with one
     * placement of the arrays and one compilation of the step, gives the time with and without it.
     * Between forks the policy's step time moves by up to a third (JIT code and array placement), far
     * more than a listener can cost, so two separate forks could not tell its cost. run.sh reads the
     * iterations apart from JMH's JSON ({@code table.py}); JMH's own average mixes both halves.
     */
    @State(Scope.Benchmark)
    public static class PolicyListenerPaired extends Policy {
        final StepListener listener = this::record;
        int iteration;
        long heard;

        @Setup(Level.Iteration)
        public void toggle() {
            if (iteration++ % 2 == 1) {
                optimizer.addListener(listener);
            } else {
                optimizer.removeListener(listener);
            }
        }

        // what a metrics binding does: read the event's numbers, keep nothing
        private void record(StepEvent e) {
            heard += e.count() + (e.clipped() ? 1 : 0) + (long) e.gradientNorm();
        }
    }

    /**
     * A policy-sized tensor whose gradient is zero after 1,000 nonzero steps. Every iteration starts
     * where the moments are about to decay into the subnormal range (without the kernel's flush to
     * zero, nu would stay subnormal for ~16,000 steps at b2 = 0.999, ~2.5x slower per step on Zen).
     */
    @State(Scope.Benchmark)
    public static class ZeroAfter1000 {
        Tensors params;
        Tensors zeros;
        Optimizer optimizer;

        @Setup(Level.Iteration)
        public void setUp() {
            params = Workloads.equalTensors(1, Workloads.POLICY_SIZE, false);
            Tensors grads = Workloads.equalTensors(1, Workloads.POLICY_SIZE, true);
            zeros = grads.zerosLike();
            optimizer = Adam.builder().warmUp(WarmUp.AT_START).lr(1e-3).gradNormClip(0.5).parallelism(1).build().init(params);
            awaitWarmKernel();
            for (int s = 0; s < 1_000; s++) {
                optimizer.step(grads, params);
            }
            // decay until the largest second moment is just above the smallest normal float
            while (maxNu() > 1e-37f) {
                for (int s = 0; s < 500; s++) {
                    optimizer.step(zeros, params);
                }
            }
        }

        private float maxNu() {
            float max = 0;
            for (float v : optimizer.state().nu().get(0).data()) {
                max = Math.max(max, v);
            }
            return max;
        }
    }

    // sampled: each step timed alone and the median taken, the statistic the C anchor reports
    // (a step here takes milliseconds, so the timer's ~25 ns do not matter; see docs/benchmarks.md)
    @BenchmarkMode(Mode.SampleTime)
    @Benchmark
    public Optimizer large(Large s) {
        return s.optimizer.step(s.grads, s.params);
    }

    @Benchmark
    public Optimizer policy(Policy s) {
        return s.optimizer.step(s.grads, s.params);
    }

    @Benchmark
    public Optimizer six768(Six768 s) {
        return s.optimizer.step(s.grads, s.params);
    }

    @Benchmark
    public Optimizer policyOption(PolicyOption s) {
        return s.optimizer.step(s.grads, s.params);
    }

    @Benchmark
    public Optimizer policyListenerPaired(PolicyListenerPaired s) {
        return s.optimizer.step(s.grads, s.params);
    }

    @Benchmark
    @Measurement(iterations = 5, time = 20, timeUnit = TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 20, timeUnit = TimeUnit.MILLISECONDS)
    public Optimizer zeroAfter1000(ZeroAfter1000 s) {
        return s.optimizer.step(s.zeros, s.params);
    }
}
