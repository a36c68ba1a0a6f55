package io.github.skrl4j.benchmarks;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepEvent;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.WarmUp;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the opt-in step-duration timer costs a policy-sized step (4,610 parameters in 6 tensors, clip
 * 0.5, the calling thread only), measured paired in one JVM as {@code AdamStepBenchmark}'s listener
 * case is: the iterations rotate through four optimizers over the same parameters and gradients,
 * <ol start="0">
 *   <li>{@code off}: {@code measureStepDuration(false)}, no listener (the default);</li>
 *   <li>{@code measured}: {@code measureStepDuration(true)}, no listener (the two clock reads alone);</li>
 *   <li>{@code timed}: {@code measureStepDuration(true)} and a listener recording
 *       {@link StepEvent#durationNanos()} into a Micrometer {@link Timer}, as the starter's
 *       {@code skrl.optim.adam.step.duration} does;</li>
 *   <li>{@code off2}: as {@code off}, a second instance, so that the spread between two identical
 *       optimizers (their moments' placement, drift during the fork) shows what a difference means.</li>
 * </ol>
 * The iteration index modulo 4 (warm-up iterations counted) says which one ran; JMH's own average
 * mixes them. {@code benchmarks/step_duration.py} reads the iterations apart from JMH's JSON.
 *
 * <p>On a loaded machine the iterations scatter by far more than the timer can cost, so
 * {@link #clockReadsAndTimerRecord} also measures the added work alone: the two clock reads a measured
 * step makes and the listener's {@code Timer.record}, without the step around them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 40, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class StepDurationTimerBenchmark {

    /** The four optimizers and the one the current iteration steps. */
    @State(Scope.Benchmark)
    public static class Rotation {
        Tensors params;
        Tensors grads;
        Optimizer[] optimizers;
        Optimizer current;
        Timer timer;
        int iteration;

        @Setup(Level.Trial)
        public void setUp() {
            params = Workloads.policy(false);
            grads = Workloads.policy(true);
            timer = Timer.builder("skrl.optim.adam.step.duration").tag("name", "timed")
                    .register(new SimpleMeterRegistry());
            optimizers = new Optimizer[] {
                policy("off", false).build().init(params),
                policy("measured", true).build().init(params),
                policy("timed", true).listener(this::record).build().init(params),
                policy("off2", false).build().init(params),
            };
        }

        private static Adam.Builder policy(String name, boolean measure) {
            // warmed at the start, as AdamStepBenchmark's policy case: the same kernel as its table's
            return Adam.builder().name(name).lr(1e-3).gradNormClip(0.5).parallelism(1).measureStepDuration(measure)
                    .warmUp(WarmUp.AT_START);
        }

        // what the starter's meters do with an applied step's duration
        private void record(StepEvent e) {
            if (!e.skipped()) {
                timer.record(e.durationNanos(), TimeUnit.NANOSECONDS);
            }
        }

        @Setup(Level.Iteration)
        public void rotate() {
            current = optimizers[iteration++ % optimizers.length];
        }
    }

    /** A timer like the starter's, alone. */
    @State(Scope.Benchmark)
    public static class TimerAlone {
        Timer timer;

        @Setup(Level.Trial)
        public void setUp() {
            timer = Timer.builder("skrl.optim.adam.step.duration").tag("name", "alone")
                    .register(new SimpleMeterRegistry());
        }
    }

    @Benchmark
    public Optimizer policyStep(Rotation s) {
        return s.current.step(s.grads, s.params);
    }

    /** What measureStepDuration and the timer listener add to a step, without the step. */
    @Benchmark
    @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
    @Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
    public long clockReadsAndTimerRecord(TimerAlone s) {
        long started = System.nanoTime();
        long duration = System.nanoTime() - started;
        s.timer.record(duration, TimeUnit.NANOSECONDS);
        return duration;
    }
}
