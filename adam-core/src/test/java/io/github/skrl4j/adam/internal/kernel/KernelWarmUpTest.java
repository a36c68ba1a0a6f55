package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.NonFinitePolicy;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The warm-up that compiles a kernel's loops on small arrays: an optimizer's start warms the portable
 * norm and exactly the update loop its settings run (the loop {@link StepCoefficients} picks), once
 * per JVM and loop; the vector kernel's warm-up calls every loop.
 */
class KernelWarmUpTest {

    private enum Loop {
        PLAIN, GENERAL, AMSGRAD, AMSGRAD_GENERAL;

        /** The loop a kernel call with these arguments runs, as {@link KernelWarmUp#loopOf} names it. */
        static Loop of(float @Nullable [] nuMax, StepCoefficients c) {
            return switch (KernelWarmUp.loopOf(nuMax, c)) {
                case KernelWarmUp.PLAIN -> PLAIN;
                case KernelWarmUp.GENERAL -> GENERAL;
                case KernelWarmUp.AMSGRAD -> AMSGRAD;
                case KernelWarmUp.AMSGRAD_GENERAL -> AMSGRAD_GENERAL;
                default -> throw new AssertionError(KernelWarmUp.loopOf(nuMax, c));
            };
        }
    }

    /** Records which loops a warm-up called; computes nothing. */
    private static class RecordingKernel implements AdamKernel {
        final Set<Loop> updates = EnumSet.noneOf(Loop.class);
        int norms;
        int zeroChecks;

        @Override
        public double sumOfSquares(float[] g, int from, int to, NormScratch scratch) {
            norms++;
            return 0;
        }

        @Override
        public void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                           int from, int to, StepCoefficients c, boolean gradientsAboveFloor) {
            updates.add(Loop.of(nuMax, c));
        }

        @Override
        public boolean allZero(float[] a, int from, int to, NormScratch scratch) {
            zeroChecks++;
            return false;
        }

        @Override
        public String name() {
            return "recording";
        }
    }

    private static AdamSettings settings(double epsRoot, double weightDecay, boolean amsgrad, boolean nesterov) {
        return new AdamSettings(1e-3, null, 1.0, true, 0.9, 0.999, 1e-8, epsRoot, weightDecay, amsgrad, nesterov,
                NonFinitePolicy.ERROR);
    }

    @Test
    void theLoopOfASettingIsTheOneItsStepsRun() {
        AdamSettings[] all = {
            AdamSettings.DEFAULTS, settings(0, 0, false, false), settings(1e-12, 0, false, false),
            settings(0, 1e-4, false, false), settings(0, 0, false, true), settings(0, 0, true, false),
            settings(0, 1e-4, true, false), settings(1e-12, 0, true, false), settings(0, 0, true, true),
            settings(1e-12, 1e-4, true, true)};
        for (AdamSettings s : all) {
            StepCoefficients c = new StepCoefficients();
            c.set(s, 10, 1.0, 1e-3);
            int expected = s.amsgrad() ? (c.amsgradInOneLoop ? KernelWarmUp.AMSGRAD : KernelWarmUp.AMSGRAD_GENERAL)
                    : c.plain ? KernelWarmUp.PLAIN : KernelWarmUp.GENERAL;
            assertThat(KernelWarmUp.loopsOf(s)).as(s.toString()).isEqualTo(expected);
            assertThat(KernelWarmUp.loopOf(s.amsgrad() ? new float[1] : null, c)).as(s.toString()).isEqualTo(expected);
        }
        assertThat(KernelWarmUp.loopsOf(AdamSettings.DEFAULTS)).isEqualTo(KernelWarmUp.PLAIN);
        assertThat(KernelWarmUp.loopsOf(settings(0, 0, false, true))).isEqualTo(KernelWarmUp.GENERAL);
        assertThat(KernelWarmUp.loopsOf(settings(0, 0, true, false))).isEqualTo(KernelWarmUp.AMSGRAD);
        assertThat(KernelWarmUp.loopsOf(settings(0, 1e-4, true, false))).isEqualTo(KernelWarmUp.AMSGRAD);
        assertThat(KernelWarmUp.loopsOf(settings(1e-12, 0, true, false))).isEqualTo(KernelWarmUp.AMSGRAD_GENERAL);
        assertThat(KernelWarmUp.loopsOf(settings(0, 0, true, true))).isEqualTo(KernelWarmUp.AMSGRAD_GENERAL);
    }

    @Test
    void aWarmUpCallsTheNormsAndOnlyTheChosenUpdateLoops() {
        RecordingKernel plain = new RecordingKernel();
        int rounds = KernelWarmUp.untilSteady(plain, KernelWarmUp.PLAIN, 3, 60_000);
        assertThat(rounds).isGreaterThanOrEqualTo(3);
        assertThat(plain.updates).containsExactly(Loop.PLAIN);
        assertThat(plain.norms).isPositive();
        assertThat(plain.zeroChecks).isPositive();

        RecordingKernel amsgrad = new RecordingKernel();
        KernelWarmUp.untilSteady(amsgrad, KernelWarmUp.AMSGRAD, 3, 60_000);
        assertThat(amsgrad.updates).containsExactly(Loop.AMSGRAD);

        RecordingKernel amsgradGeneral = new RecordingKernel();
        KernelWarmUp.untilSteady(amsgradGeneral, KernelWarmUp.AMSGRAD_GENERAL, 3, 60_000);
        assertThat(amsgradGeneral.updates).containsExactly(Loop.AMSGRAD_GENERAL);

        RecordingKernel every = new RecordingKernel();
        KernelWarmUp.untilSteady(every, KernelWarmUp.ALL_LOOPS, 3, 60_000);
        assertThat(every.updates).containsExactlyInAnyOrder(Loop.values());
    }

    /**
     * A JIT that never goes quiet (an application's start compiling its own code) does not keep a
     * warm-up whose rounds are steady running until its deadline (here a minute; the test's timeout is
     * far shorter); a JIT that goes quiet ends it at once.
     */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void steadyRoundsEndTheWarmUpSoonAfterwardsEvenWhileTheJitCompilesOtherCode() {
        int[] calls = new int[1];
        KernelWarmUp.Round round = () -> calls[0]++;
        int rounds = KernelWarmUp.untilSteady("test", round, 10, 60_000, false, () -> false);
        assertThat(rounds).as("ended steady").isGreaterThanOrEqualTo(10).isEqualTo(calls[0]);

        calls[0] = 0;
        assertThat(KernelWarmUp.untilSteady("test", round, 10, 60_000, false, () -> true))
                .as("the JIT quiet: as soon as the rounds are steady").isEqualTo(10);
    }

    @Test
    void anOptimizersStartWarmsTheLoopItsSettingsRunOnThisJvmsKernelAndTheStepAroundIt() {
        KernelWarmUp.beforeFirstStep(settings(0, 1e-4, false, false));
        assertWarm(KernelWarmUp.GENERAL);
        KernelWarmUp.beforeFirstStep(settings(0, 0, true, false));
        assertWarm(KernelWarmUp.AMSGRAD);
        try (var pipeline = new io.github.skrl4j.adam.internal.pipeline.AdamPipeline(
                AdamSettings.DEFAULTS, this, "warm-up-test", new int[] {16}, 1, 65_536, true)) {
            assertWarm(KernelWarmUp.PLAIN);
        }
    }

    /**
     * The loop is warm on the kernel the steps call (the vector kernel handed over, or the portable
     * kernel where the vector kernel missed its deadline), and so is the step around it.
     */
    private static void assertWarm(int loop) {
        AdamKernel kernel = AdamKernels.defaultKernel();
        boolean vectorWarm = kernel instanceof WarmingKernel && (((WarmingKernel) kernel).warmLoops() & loop) == loop;
        boolean portableWarm = (KernelWarmUp.portableWarmLoops() & loop) == loop;
        assertThat(vectorWarm || portableWarm).as("loop %s warm on %s", loop, kernel.name()).isTrue();
        assertThat(KernelWarmUp.stepWarmLoops() & loop).isEqualTo(loop);
    }

    @Test
    void theStepWarmUpStepsThroughTheGivenKernelWithTheSettingsLoopAndStopsItsThreads() throws InterruptedException {
        RecordingKernel amsgrad = new RecordingKernel();
        try (WarmUpSteps steps = new WarmUpSteps(amsgrad, settings(0, 0, true, false))) {
            for (int r = 0; r < 20; r++) {
                steps.round();
            }
            assertThat(warmUpWorkers()).as("the split tensor's worker").isNotEmpty();
        }
        assertThat(amsgrad.updates).containsExactly(Loop.AMSGRAD);
        assertThat(amsgrad.norms).isPositive();
        RecordingKernel general = new RecordingKernel();
        try (WarmUpSteps steps = new WarmUpSteps(general, settings(0, 1e-4, false, true))) {
            steps.round();
        }
        assertThat(general.updates).containsExactly(Loop.GENERAL);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!warmUpWorkers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(warmUpWorkers()).as("worker threads left running").isEmpty();
    }

    private static java.util.List<Thread> warmUpWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("skrl4j-adam-kernel-warm-up") && t.isAlive())
                .filter(t -> !t.getName().equals("skrl4j-adam-kernel-warm-up"))
                .toList();
    }

    /** Records the calls it gets on the test's arrays ({@value #TEST_LENGTH} elements; the warm-up's are longer). */
    private static final int TEST_LENGTH = 7;

    private static final class HandOverRecorder extends RecordingKernel {
        final Set<Loop> handedOver = EnumSet.noneOf(Loop.class);
        boolean normHandedOver;

        @Override
        public double sumOfSquares(float[] g, int from, int to, NormScratch scratch) {
            normHandedOver |= g.length == TEST_LENGTH;
            return super.sumOfSquares(g, from, to, scratch);
        }

        @Override
        public void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                           int from, int to, StepCoefficients c, boolean gradientsAboveFloor) {
            if (param.length == TEST_LENGTH) {
                handedOver.add(Loop.of(nuMax, c));
            }
            super.update(param, grad, mu, nu, nuMax, from, to, c, gradientsAboveFloor);
        }
    }

    /**
     * A start whose warm-up of the vector kernel misses its deadline (here at once) leaves its loop on the
     * portable kernel, and the warm-up thread the first call starts hands over that loop only.
     */
    @Test
    void theVectorKernelTakesOverOnlyTheLoopsItsWarmUpCompiled() throws InterruptedException {
        HandOverRecorder vector = new HandOverRecorder();
        WarmingKernel kernel = new WarmingKernel(vector);
        float[] param = new float[TEST_LENGTH];
        float[] grad = new float[TEST_LENGTH];
        float[] mu = new float[TEST_LENGTH];
        float[] nu = new float[TEST_LENGTH];
        float[] nuMax = new float[TEST_LENGTH];
        NormScratch scratch = new NormScratch();
        StepCoefficients plain = new StepCoefficients();
        plain.setForWarmUp(true);
        StepCoefficients general = new StepCoefficients();
        general.setForWarmUp(false);

        assertThat(kernel.warmHere(KernelWarmUp.PLAIN, 0)).as("past its deadline").isFalse();
        assertThat(AdamKernels.loopKernel(kernel, KernelWarmUp.PLAIN)).isEqualTo(AdamKernels.LoopKernel.WARMING);
        assertThat(AdamKernels.loopKernel(kernel, KernelWarmUp.GENERAL)).isEqualTo(AdamKernels.LoopKernel.PORTABLE);
        kernel.sumOfSquares(grad, 0, TEST_LENGTH, scratch);
        kernel.update(param, grad, mu, nu, null, 0, TEST_LENGTH, plain, false);
        assertThat(vector.normHandedOver).as("a cold norm stays on the portable kernel").isFalse();
        assertThat(vector.handedOver).as("a cold loop stays on the portable kernel").isEmpty();

        assertThat(kernel.awaitWarm(60_000)).isTrue();
        assertThat(kernel.warmLoops()).isEqualTo(KernelWarmUp.PLAIN);
        assertThat(AdamKernels.loopKernel(kernel, KernelWarmUp.PLAIN)).isEqualTo(AdamKernels.LoopKernel.VECTOR);
        assertThat(vector.updates).as("the warm-up compiled the announced loop only").containsExactly(Loop.PLAIN);
        kernel.sumOfSquares(grad, 0, TEST_LENGTH, scratch);
        kernel.update(param, grad, mu, nu, null, 0, TEST_LENGTH, plain, false);
        kernel.update(param, grad, mu, nu, nuMax, 0, TEST_LENGTH, general, false);
        assertThat(vector.normHandedOver).isTrue();
        assertThat(vector.handedOver).as("AMSGrad was never announced").containsExactly(Loop.PLAIN);
        assertThat(kernel.warm()).as("a loop no optimizer announced starts no warm-up").isTrue();

        assertThat(kernel.warmHere(KernelWarmUp.AMSGRAD_GENERAL, 0)).as("past its deadline").isFalse();
        assertThat(AdamKernels.loopKernel(kernel, KernelWarmUp.AMSGRAD_GENERAL))
                .isEqualTo(AdamKernels.LoopKernel.WARMING);
        assertThat(kernel.awaitWarm(60_000)).isTrue();
        assertThat(kernel.warmLoops()).isEqualTo(KernelWarmUp.PLAIN | KernelWarmUp.AMSGRAD_GENERAL);
        kernel.update(param, grad, mu, nu, nuMax, 0, TEST_LENGTH, general, false);
        assertThat(vector.handedOver).containsExactlyInAnyOrder(Loop.PLAIN, Loop.AMSGRAD_GENERAL);
        assertThat(vector.updates).as("the general loops were never announced")
                .doesNotContain(Loop.GENERAL, Loop.AMSGRAD);
        // AMSGrad in one loop is a loop of its own: not announced, it stays on the portable kernel
        kernel.update(param, grad, mu, nu, nuMax, 0, TEST_LENGTH, plain, false);
        kernel.update(param, grad, mu, nu, null, 0, TEST_LENGTH, general, false);
        assertThat(vector.handedOver).doesNotContain(Loop.AMSGRAD, Loop.GENERAL);
        assertThat(kernel.warm()).isTrue();
        assertThat(AdamKernels.loopKernel(kernel, KernelWarmUp.AMSGRAD_GENERAL)).isEqualTo(AdamKernels.LoopKernel.VECTOR);
        assertThat(AdamKernels.loopKernel(kernel, KernelWarmUp.AMSGRAD)).isEqualTo(AdamKernels.LoopKernel.PORTABLE);
    }

    @Test
    void loopsNoOptimizerAnnouncedStayOnThePortableKernelAndStartNoWarmUp()
            throws InterruptedException {
        HandOverRecorder vector = new HandOverRecorder();
        WarmingKernel kernel = new WarmingKernel(vector);
        StepCoefficients plain = new StepCoefficients();
        plain.setForWarmUp(true);
        float[] grad = new float[TEST_LENGTH];
        for (int call = 0; call < 100; call++) {
            kernel.sumOfSquares(grad, 0, TEST_LENGTH, new NormScratch());
            kernel.allZero(grad, 0, TEST_LENGTH, new NormScratch());
            kernel.update(new float[TEST_LENGTH], grad, new float[TEST_LENGTH], new float[TEST_LENGTH], null, 0,
                    TEST_LENGTH, plain, true);
        }
        // a warm-up thread would be started by now (it waits 300 ms before its first round): give it longer
        Thread.sleep(600);
        assertThat(vector.norms).as("no warm-up ran the vector kernel").isZero();
        assertThat(vector.updates).isEmpty();
        assertThat(vector.zeroChecks).isZero();
        assertThat(kernel.warmLoops()).isZero();
        assertThat(AdamKernels.loopKernel(kernel, KernelWarmUp.PLAIN)).as("reported as it runs")
                .isEqualTo(AdamKernels.LoopKernel.PORTABLE);
    }

    @Test
    void aStartWithoutWarmUpSaysOnceWhatToSetWhenItsStepsRunThePortableKernelInsteadOfTheVectorOne() {
        AdamKernelsTest.CapturingLogger log = new AdamKernelsTest.CapturingLogger();
        WarmingKernel kernel = new WarmingKernel(new HandOverRecorder());

        assertThat(KernelWarmUp.notePortableSteps(kernel, AdamSettings.DEFAULTS, "policy", 4_610, log)).isTrue();
        assertThat(log.lines).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(System.Logger.Level.INFO);
            assertThat(line.message()).contains("optimizer policy (4610 parameters)", "portable kernel",
                    "WarmUp.AT_START", "skrl.optim.adam.warm-up=at-start");
        });

        assertThat(kernel.warmHere(KernelWarmUp.PLAIN, 60_000)).isTrue();
        assertThat(KernelWarmUp.notePortableSteps(kernel, AdamSettings.DEFAULTS, "value", 4_610, log))
                .as("another optimizer's start warmed its loop: its steps run the vector kernel").isFalse();
        assertThat(KernelWarmUp.notePortableSteps(ScalarAdamKernel.INSTANCE, AdamSettings.DEFAULTS, "policy", 4_610,
                log)).as("the portable kernel is the active one: nothing to say").isFalse();
        assertThat(log.lines).hasSize(1);
    }

    @Test
    void anOptimizersStartHandsTheVectorKernelOverBeforeItsFirstStep() {
        HandOverRecorder vector = new HandOverRecorder();
        WarmingKernel kernel = new WarmingKernel(vector);
        float[] param = new float[TEST_LENGTH];
        float[] grad = new float[TEST_LENGTH];
        StepCoefficients plain = new StepCoefficients();
        plain.setForWarmUp(true);

        assertThat(kernel.warmHere(KernelWarmUp.PLAIN, 60_000)).isTrue();
        assertThat(kernel.warm()).isTrue();
        assertThat(kernel.warmLoops()).isEqualTo(KernelWarmUp.PLAIN);
        assertThat(AdamKernels.loopKernel(kernel, KernelWarmUp.PLAIN)).isEqualTo(AdamKernels.LoopKernel.VECTOR);
        assertThat(AdamKernels.loopKernel(kernel, KernelWarmUp.GENERAL)).isEqualTo(AdamKernels.LoopKernel.PORTABLE);
        assertThat(AdamKernels.loopKernel(ScalarAdamKernel.INSTANCE, KernelWarmUp.PLAIN))
                .as("the portable kernel alone").isEqualTo(AdamKernels.LoopKernel.PORTABLE);
        assertThat(vector.updates).as("warmed here: the announced loop only").containsExactly(Loop.PLAIN);
        kernel.sumOfSquares(grad, 0, TEST_LENGTH, new NormScratch());
        kernel.update(param, grad, new float[TEST_LENGTH], new float[TEST_LENGTH], null, 0, TEST_LENGTH, plain, true);
        assertThat(vector.normHandedOver).as("the first call's norm").isTrue();
        assertThat(vector.handedOver).as("the first call's update").containsExactly(Loop.PLAIN);
        assertThat(kernel.warmHere(KernelWarmUp.PLAIN, 0)).as("warm already: returns at once").isTrue();
    }

    @Test
    void aVectorWarmUpPastItsDeadlineLeavesTheCallsOnThePortableKernel() {
        HandOverRecorder vector = new HandOverRecorder();
        WarmingKernel kernel = new WarmingKernel(vector);
        StepCoefficients plain = new StepCoefficients();
        plain.setForWarmUp(true);

        assertThat(kernel.warmHere(KernelWarmUp.PLAIN, 0)).isFalse();
        assertThat(kernel.warmLoops()).isZero();
        // no call goes to the vector kernel (this one starts the background warm-up, which the test does not wait for)
        kernel.update(new float[TEST_LENGTH], new float[TEST_LENGTH], new float[TEST_LENGTH], new float[TEST_LENGTH],
                null, 0, TEST_LENGTH, plain, true);
        assertThat(vector.handedOver).isEmpty();
    }
}
