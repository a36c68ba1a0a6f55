package io.github.skrl4j.adam;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.AllocationCounting;
import io.github.skrl4j.testsupport.ChildJvm;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No step allocates on the training thread or the workers during warm-up, from the very first
 * step of a fresh JVM, beyond the first step's one-time setup: a child JVM (nothing compiled yet)
 * steps a model with a tensor split across two threads and the policy's small tensors, with and
 * without {@code --add-modules jdk.incubator.vector}, through the vector kernel's warm-up and hand-over
 * and some hundreds of steps after it, and counts every step's allocated bytes with HotSpot's
 * ThreadMXBean. Before the fix a step after the hand-over allocated hundreds of MB of boxed vectors
 * (the compiled loops thrown away at a shape the warm-up had not shown C2). The same without a warm-up
 * at the start ({@link WarmUp#NONE}): the steps compile the portable code as they run, and a later
 * hand-over of the vector kernel's norm (a background warm-up that {@code Kernels.awaitWarm} starts)
 * allocates nothing either. It times nothing.
 */
@AllocationCounting
@ChildJvm
class WarmUpAllocationTest {

    /** The first step's one-time setup: worker threads, class loading and initialization (some 200 KB seen). */
    private static final long FIRST_STEP_BOUND = 4L << 20;
    /**
     * All later steps together: nothing per step (a boxed vector loop allocates megabytes per step);
     * a little room for a rare JIT event that materializes an object once.
     */
    private static final long LATER_STEPS_BOUND = 64L << 10;
    private static final int STEPS_AFTER_WARM = 400;
    private static final long MAX_STEPPING_NANOS = TimeUnit.SECONDS.toNanos(90);
    private static final String NAME = "warm-up-allocation";

    @TempDir
    Path dir;

    /** The child: steps from a fresh start and prints one line of per-step allocation figures. */
    static final class SteppingFromAFreshStart {

        public static void main(String[] args) throws InterruptedException {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            int large = 1 << 18;
            Tensors params = Tensors.of(tensor("w", large, false), tensor("l0", 4 * 64, false),
                    tensor("b0", 64, false), tensor("l1", 64 * 64, false), tensor("b1", 64, false),
                    tensor("l2", 64 * 2, false), tensor("b2", 2, false));
            Tensors grads = Tensors.of(tensor("w", large, true), tensor("l0", 4 * 64, true),
                    tensor("b0", 64, true), tensor("l1", 64 * 64, true), tensor("b1", 64, true),
                    tensor("l2", 64 * 2, true), tensor("b2", 2, true));
            long deadline = System.nanoTime() + MAX_STEPPING_NANOS;
            try (Optimizer optimizer = Adam.builder().name(NAME).lr(1e-3).gradNormClip(1.0).parallelism(2)
                    .parallelThreshold(65_536).warmUp(WarmUp.valueOf(args[0])).build().init(params)) {
                long before = threads.getCurrentThreadAllocatedBytes();
                optimizer.step(grads, params);
                long firstStep = threads.getCurrentThreadAllocatedBytes() - before;
                long[] workers = workerThreadIds();
                long workersBefore = allocatedBy(threads, workers);
                long later = 0;
                long largestStep = 0;
                long largestStepIndex = 0;
                long warmAt = -1;
                long steps = 1;
                while (System.nanoTime() < deadline && (warmAt < 0 || steps < warmAt + STEPS_AFTER_WARM)) {
                    long stepBefore = threads.getCurrentThreadAllocatedBytes();
                    optimizer.step(grads, params);
                    long allocated = threads.getCurrentThreadAllocatedBytes() - stepBefore;
                    steps++;
                    later += allocated;
                    if (allocated > largestStep) {
                        largestStep = allocated;
                        largestStepIndex = steps;
                    }
                    if (warmAt < 0 && Kernels.awaitWarm(Duration.ZERO)) {
                        warmAt = steps;
                    }
                }
                long workersLater = allocatedBy(threads, workers) - workersBefore;
                System.out.println("kernel=" + Kernels.active().name() + " steps=" + steps + " warmAt=" + warmAt
                        + " workers=" + workers.length + " firstStep=" + firstStep + " laterSteps=" + later
                        + " largestStep=" + largestStep + " largestStepIndex=" + largestStepIndex
                        + " workersLaterSteps=" + workersLater);
            }
        }

        private static Tensor tensor(String name, int size, boolean gradient) {
            float[] data = new float[size];
            for (int i = 0; i < size; i++) {
                data[i] = gradient ? 1e-3f * ((i % 13) - 6.5f) : 0.01f * (i % 97);
            }
            return Tensor.of(name, data, size);
        }

        private static long[] workerThreadIds() {
            return Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("skrl4j-adam-" + NAME + "-"))
                    .mapToLong(Thread::getId)
                    .toArray();
        }

        private static long allocatedBy(com.sun.management.ThreadMXBean threads, long[] ids) {
            long total = 0;
            for (long bytes : threads.getThreadAllocatedBytes(ids)) {
                total += bytes;
            }
            return total;
        }
    }

    @ParameterizedTest(name = "vector module: {0}, warm-up {1}")
    @CsvSource({"true, AT_START", "false, AT_START", "true, NONE", "false, NONE"})
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void noStepAllocatesFromTheFirstOnInAFreshJvm(boolean vectorModule, WarmUp warmUp) throws Exception {
        Path out = dir.resolve("child.out");
        Path err = dir.resolve("child.err");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        if (vectorModule) {
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                SteppingFromAFreshStart.class.getName(), warmUp.name()));
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("the child finished").isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("the child's exit (its errors: %s)", read(err)).isZero();
        String line = read(out).trim();
        if (!vectorModule) {
            // with the module, the kernel depends on the processor's vector width (narrow vectors keep the portable one)
            assertThat(line).startsWith("kernel=scalar ");
        }
        assertThat(field(line, "warmAt")).as("warm within the child's time: %s", line).isPositive();
        assertThat(field(line, "steps")).as(line).isGreaterThanOrEqualTo(field(line, "warmAt") + STEPS_AFTER_WARM);
        assertThat(field(line, "workers")).as(line).isEqualTo(1);
        assertThat(field(line, "firstStep")).as(line).isLessThan(FIRST_STEP_BOUND);
        assertThat(field(line, "laterSteps")).as(line).isLessThan(LATER_STEPS_BOUND);
        assertThat(field(line, "workersLaterSteps")).as(line).isLessThan(LATER_STEPS_BOUND);
    }

    private static long field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in '" + line + "'");
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, UTF_8);
    }
}
