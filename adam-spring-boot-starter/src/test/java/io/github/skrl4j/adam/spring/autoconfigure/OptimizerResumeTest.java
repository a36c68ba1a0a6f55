package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.StepListener;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.adam.spring.metrics.AdamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** {@code OptimizerFactory.resume}: count and moments from the file, everything else from the configuration now. */
@ExtendWith(OutputCaptureExtension.class)
class OptimizerResumeTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamMetricsAutoConfiguration.class))
            .withBean(SimpleMeterRegistry.class);

    @TempDir
    private Path dir;

    /** Saves an optimizer that took three steps on {@code params}, with the given settings. */
    private Path checkpoint(Adam settings, Tensors params) {
        Path file = dir.resolve(settings.name() + "-" + System.nanoTime() + ".safetensors");
        try (Optimizer optimizer = settings.init(params)) {
            for (int i = 0; i < 3; i++) {
                optimizer.step(gradient(), params);
            }
            optimizer.save(file);
        }
        return file;
    }

    private static int occurrences(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void theCurrentPropertiesAndListenerBeansApplyAndOneWarningListsWhatChanged(CapturedOutput output) {
        Tensors params = model();
        Path file = checkpoint(Adam.builder().name("clipped").lr(0.05).gradNormClip(0.5).build(), params);
        OptimizerState saved;
        try (Optimizer fromFile = Optimizer.load(file, params)) {
            saved = fromFile.state();
        }
        StepListener listener = mock(StepListener.class);
        runner.withBean(StepListener.class, () -> listener)
                .withPropertyValues("skrl.optim.adam.instances.clipped.lr=0.02",
                        "skrl.optim.adam.instances.clipped.grad-norm-clip=0.5",
                        "skrl.optim.adam.instances.clipped.b2=0.99").run(context -> {
                    Optimizer resumed = context.getBean(OptimizerFactory.class).resume("clipped", params, file);

                    assertThat(resumed.config()).isEqualTo(context.getBean(OptimizerFactory.class).config("clipped"));
                    assertThat(resumed.config().lr()).isEqualTo(0.02);
                    assertThat(resumed.config().b2()).isEqualTo(0.99);
                    assertThat(resumed.count()).isEqualTo(3);
                    OptimizerState state = resumed.state();
                    assertThat(state.mu().contentEquals(saved.mu())).isTrue();
                    assertThat(state.nu().contentEquals(saved.nu())).isTrue();
                    assertThat(context.getBean(OptimizerRegistry.class).get("clipped")).isSameAs(resumed);

                    resumed.step(gradient(), params);
                    assertThat(resumed.lastLearningRate()).isEqualTo(0.02);
                    verify(listener).onStep(argThat(e -> e.optimizerName().equals("clipped") && e.count() == 4));
                    assertThat(context.getBean(MeterRegistry.class).get(AdamMetrics.STEPS).tag("name", "clipped")
                            .tag("outcome", "applied").counter().count()).isEqualTo(1);
                });
        assertThat(occurrences(output.toString(), "Resuming optimizer 'clipped'")).isEqualTo(1);
        assertThat(output.toString()).contains("WARN").contains("lr: saved 0.05, configured 0.02")
                .contains("b2: saved 0.999, configured 0.99").doesNotContain("gradNormClip: saved");
    }

    @Test
    void unchangedSettingsContinueBitForBitWithoutAWarning(CapturedOutput output) {
        Adam settings = Adam.builder().name("policy").lr(0.003).gradNormClip(1.0).build();
        Tensors params = model();
        Path file = dir.resolve("policy.safetensors");
        Tensors atSave;
        Tensors continued;
        try (Optimizer original = settings.init(params)) {
            for (int i = 0; i < 3; i++) {
                original.step(gradient(), params);
            }
            original.save(file);
            atSave = params.copy();
            for (int i = 0; i < 2; i++) {
                original.step(gradient(), params);
            }
            continued = params.copy();
        }
        runner.withPropertyValues("skrl.optim.adam.instances.policy.lr=0.003",
                "skrl.optim.adam.instances.policy.grad-norm-clip=1.0").run(context -> {
                    Optimizer resumed = context.getBean(OptimizerFactory.class).resume("policy", atSave, file);
                    for (int i = 0; i < 2; i++) {
                        resumed.step(gradient(), atSave);
                    }
                    assertThat(atSave.contentEquals(continued)).isTrue();
                    assertThat(resumed.count()).isEqualTo(5);
                });
        assertThat(output.toString()).doesNotContain("Resuming optimizer");
    }

    @Test
    void amsgradOnOneSideOnlyIsRefusedNamingTheSettingAndNothingIsRegistered() {
        Tensors params = model();
        Path withAmsgrad = checkpoint(Adam.builder().name("policy").amsgrad(true).build(), params);
        Path withoutAmsgrad = checkpoint(Adam.builder().name("value").build(), params);
        runner.withPropertyValues("skrl.optim.adam.instances.policy.amsgrad=false",
                "skrl.optim.adam.instances.value.amsgrad=true").run(context -> {
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    assertThatThrownBy(() -> factory.resume("policy", params, withAmsgrad))
                            .isInstanceOf(CheckpointException.class)
                            .hasMessageContaining(withAmsgrad.toString())
                            .hasMessageContaining("saved with amsgrad = true")
                            .hasMessageContaining("skrl.optim.adam.instances.policy.amsgrad is false")
                            .hasMessageContaining("cannot be dropped");
                    assertThatThrownBy(() -> factory.resume("value", params, withoutAmsgrad))
                            .isInstanceOf(CheckpointException.class)
                            .hasMessageContaining("skrl.optim.adam.instances.value.amsgrad is true")
                            .hasMessageContaining("cannot be made up");
                    assertThat(context.getBean(OptimizerRegistry.class).names()).isEmpty();
                });
    }

    @Test
    void aDifferentLayoutIsRefusedNamingTheParameter() {
        Path file = checkpoint(Adam.builder().name("policy").build(), model());
        Tensors wider = Tensors.of(Tensor.of("w", new float[] {1f, 2f, 3f}, 3), Tensor.of("b", new float[] {0.5f}));
        Tensors renamed = Tensors.of(Tensor.of("weight", new float[] {1f, 2f}, 2), Tensor.of("b", new float[] {0.5f}));
        runner.withPropertyValues("skrl.optim.adam.instances.policy.lr=0.001").run(context -> {
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            assertThatThrownBy(() -> factory.resume("policy", wider, file)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'mu/w' has shape [2]").hasMessageContaining("[3]");
            assertThatThrownBy(() -> factory.resume("policy", renamed, file)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'weight'");
            assertThat(context.getBean(OptimizerRegistry.class).names()).isEmpty();
        });
    }

    @Test
    void anUnconfiguredNameIsRefusedBeforeTheFileIsRead() {
        runner.withPropertyValues("skrl.optim.adam.instances.policy.lr=0.001").run(context -> {
            Path missing = dir.resolve("never-written.safetensors");
            assertThatThrownBy(() -> context.getBean(OptimizerFactory.class).resume("polcy", model(), missing))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[policy]");
        });
    }

    @Test
    void resumingReplacesAndClosesTheOptimizerRegisteredUnderThatName() {
        Tensors params = model();
        Path file = checkpoint(Adam.builder().name("policy").build(), params);
        runner.withPropertyValues("skrl.optim.adam.instances.policy.lr=0.001").run(context -> {
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Optimizer fresh = factory.create("policy", params);
            Optimizer resumed = factory.resume("policy", params, file);

            assertThat(fresh.isClosed()).isTrue();
            assertThat(context.getBean(OptimizerRegistry.class).optimizers()).containsExactly(resumed);
        });
    }
}
