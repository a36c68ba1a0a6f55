package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.ProbeJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Optimizer#stepKernel()} reports the kernel an optimizer's steps run, which is not always the
 * JVM's ({@link Kernels#active()}): with the vector kernel, a small model under {@link WarmUp#AUTOMATIC}
 * steps on the portable kernel, an {@link WarmUp#AT_START} one on the vector kernel after its start, and
 * one without a warm-up whose loop another optimizer's start warmed on the vector kernel too. The kernel
 * state is the JVM's, shared by every test of a fork, so the sequence runs in fresh JVMs of its own,
 * with and without {@code --add-modules jdk.incubator.vector}.
 */
class StepKernelTest {

    /** The child: makes optimizers one after another and prints each one's report as {@code key=name,warming,atStart}. */
    static final class FreshJvm {

        public static void main(String[] args) throws InterruptedException {
            System.out.println("active=" + Kernels.active().name() + "," + Kernels.active().vectorized());
            // the plain loop (no option), the sample's policy size, the default warm-up: none at its start
            try (Optimizer automatic = Adam.builder().name("automatic").build().init(policy())) {
                print("automatic.start", automatic);
                for (int step = 0; step < 50; step++) {
                    automatic.step(policy(), policy());
                }
                print("automatic.stepped", automatic);
                // the general loop (weight decay), warmed up at its start
                try (Optimizer atStart = Adam.builder().name("at-start").weightDecay(1e-4).warmUp(WarmUp.AT_START)
                        .build().init(policy())) {
                    print("atStart.start", atStart);
                    System.out.println("warm=" + Kernels.awaitWarm(Duration.ofSeconds(60)));
                    print("atStart.warm", atStart);
                    print("automatic.after", automatic);
                    // no warm-up, but the same loop as the one warmed up at the start before
                    try (Optimizer none = Adam.builder().name("none").weightDecay(1e-3).warmUp(WarmUp.NONE)
                            .build().init(policy())) {
                        print("none.start", none);
                    }
                }
            }
        }

        private static void print(String key, Optimizer optimizer) {
            Kernels.StepKernel k = optimizer.stepKernel();
            System.out.println(key + "=" + k.kernel().name() + "," + k.kernel().vectorized() + "," + k.warming()
                    + "," + k.warmedUpAtStart());
        }
    }

    @ParameterizedTest(name = "vector module: {0}")
    @ValueSource(booleans = {true, false})
    @ChildJvm
    void eachOptimizerReportsTheKernelItsStepsRunNotTheJvms(boolean vectorModule) throws Exception {
        List<String> options = new ArrayList<>();
        if (vectorModule) {
            options.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        options.addAll(List.of("-cp", System.getProperty("java.class.path")));
        Map<String, String> facts = ProbeJvm.run(FreshJvm.class, options);

        String active = facts.get("active");
        String portable = "scalar,false";
        if (!vectorModule || active.equals(portable)) {
            // the portable kernel alone (without the module, or a processor whose vectors are too narrow)
            assertThat(active).isEqualTo(portable);
            assertThat(facts).containsEntry("automatic.start", portable + ",false,false")
                    .containsEntry("automatic.stepped", portable + ",false,false")
                    .containsEntry("atStart.start", portable + ",false,true")
                    .containsEntry("atStart.warm", portable + ",false,true")
                    .containsEntry("none.start", portable + ",false,false");
            return;
        }
        assertThat(active).startsWith("vector-").endsWith(",true");
        assertThat(facts.get("automatic.start")).as("a small model without a warm-up: the portable kernel")
                .isEqualTo(portable + ",false,false");
        assertThat(facts.get("automatic.stepped")).as("its steps warm nothing up").isEqualTo(portable + ",false,false");
        assertThat(facts.get("atStart.start")).as("handed over at its start, or warming past its deadline")
                .isIn(active + ",false,true", portable + ",true,true");
        assertThat(facts).containsEntry("warm", "true");
        assertThat(facts.get("atStart.warm")).isEqualTo(active + ",false,true");
        assertThat(facts.get("automatic.after")).as("another loop was warmed: still the portable kernel")
                .isEqualTo(portable + ",false,false");
        assertThat(facts.get("none.start")).as("its loop warmed by the other optimizer's start")
                .isEqualTo(active + ",false,false");
    }

    /**
     * In this JVM, whatever other tests warmed: an optimizer warmed up at its start runs the JVM's kernel
     * once {@link Kernels#awaitWarm} returned, and the report says whether the start warmed up.
     */
    @Test
    void anOptimizerWarmedUpAtItsStartRunsTheJvmsKernelAndTheReportSaysWhichStartItHad() throws Exception {
        try (Optimizer atStart = Adam.builder().name("at-start").amsgrad(true).warmUp(WarmUp.AT_START).build()
                .init(policy());
             Optimizer automatic = Adam.builder().name("automatic").build().init(policy());
             Optimizer none = Adam.builder().name("none").warmUp(WarmUp.NONE).build().init(policy())) {
            assertThat(Kernels.awaitWarm(Duration.ofSeconds(60))).isTrue();
            Kernels.StepKernel warmed = atStart.stepKernel();
            assertThat(warmed.kernel()).isEqualTo(Kernels.active());
            assertThat(warmed.warming()).isFalse();
            assertThat(warmed.warmedUpAtStart()).isTrue();
            assertThat(automatic.stepKernel().warmedUpAtStart()).as("AUTOMATIC at 4,610 parameters").isFalse();
            assertThat(none.stepKernel().warmedUpAtStart()).isFalse();
            for (Optimizer o : List.of(automatic, none)) {
                Kernels.Kernel k = o.stepKernel().kernel();
                assertThat(k).as(o.name()).isIn(Kernels.active(), new Kernels.Kernel("scalar", false));
                assertThat(o.stepKernel().warming()).as("nothing left warming after awaitWarm").isFalse();
            }
            atStart.close();
            assertThat(atStart.stepKernel()).as("also after close").isEqualTo(warmed);
        }
    }

    /** The sample's policy: 4,610 parameters in six tensors (parameters and gradients alike). */
    private static Tensors policy() {
        return Tensors.of(tensor("l0", 4 * 64), tensor("b0", 64), tensor("l1", 64 * 64), tensor("b1", 64),
                tensor("l2", 64 * 2), tensor("b2", 2));
    }

    private static Tensor tensor(String name, int size) {
        float[] data = new float[size];
        for (int i = 0; i < size; i++) {
            data[i] = 1e-3f * ((i % 13) - 6.5f);
        }
        return Tensor.of(name, data, size);
    }
}
