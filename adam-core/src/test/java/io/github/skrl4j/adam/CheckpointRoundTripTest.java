package io.github.skrl4j.adam;

import io.github.skrl4j.adam.testing.TrainingRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.schedule.Schedules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointRoundTripTest {

    @TempDir
    Path dir;

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("plain", Adam.builder().build()),
                Arguments.of("clipped", Adam.builder().lr(3e-3).gradNormClip(0.5).build()),
                Arguments.of("amsgrad+nesterov+weight decay", Adam.builder().name("policy").lr(2e-3).amsgrad(true)
                        .nesterov(true).weightDecay(1e-2).epsRoot(1e-12).b1(0.8).b2(0.99).eps(1e-7).build()),
                Arguments.of("scale=false", Adam.builder().scale(false).gradNormClip(1.0)
                        .nonFinitePolicy(NonFinitePolicy.SKIP).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void resumedRunIsBitForBitTheUninterruptedOne(String label, Adam config) {
        Tensors paramsA = TrainingRun.model();
        Optimizer a = config.init(paramsA);
        TrainingRun.steps(a, paramsA, 0, 20);

        Tensors paramsB = TrainingRun.model();
        Optimizer b = config.init(paramsB);
        TrainingRun.steps(b, paramsB, 0, 10);
        b.save(dir.resolve("optimizer.safetensors"));
        paramsB.save(dir.resolve("params.safetensors"));

        Tensors resumedParams = Tensors.load(dir.resolve("params.safetensors"));
        Optimizer resumed = Optimizer.load(dir.resolve("optimizer.safetensors"), resumedParams);
        assertThat(resumed.count()).isEqualTo(10);
        assertThat(resumed.config()).isEqualTo(config);
        TrainingRun.steps(resumed, resumedParams, 10, 20);

        assertThat(resumed.count()).isEqualTo(a.count());
        assertBitsEqual(resumedParams, paramsA);
        OptimizerState expected = a.state();
        OptimizerState actual = resumed.state();
        assertBitsEqual(actual.mu(), expected.mu());
        assertBitsEqual(actual.nu(), expected.nu());
        assertBitsEqual(actual.nuMax(), expected.nuMax());
        assertThat(actual.nuMax().isEmpty()).isEqualTo(!config.amsgrad());
    }

    @Test
    void tensorsRoundTripKeepsOrderShapesAndEveryBit() {
        float nanWithPayload = Float.intBitsToFloat(0x7fc0_1234);
        Tensors tensors = Tensors.of(
                Tensor.of("z/last-in-name-order", new float[] {1.5f, -0.0f, Float.MIN_VALUE, nanWithPayload}, 2, 2),
                Tensor.of("a/scalar", new float[] {Float.NEGATIVE_INFINITY}),
                Tensor.of("empty", new float[0], 0, 3),
                Tensor.of("ünïcode \"quoted\" \\ name", new float[] {Float.MAX_VALUE, 3e-39f, 7f}, 3));
        Path file = dir.resolve("t.safetensors");
        tensors.save(file);
        Tensors loaded = Tensors.load(file);
        assertThat(loaded.names()).containsExactlyElementsOf(tensors.names());
        assertBitsEqual(loaded, tensors);
        assertThat(loaded.get("empty").shape()).containsExactly(0, 3);
        assertThat(loaded.get("a/scalar").rank()).isZero();
    }

    @Test
    void largeTensorsCrossTheReadersChunks() {
        float[] big = new float[100_003];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.25f - 7f;
        }
        Tensors tensors = Tensors.of(Tensor.of("zeros", new float[7 * 14_286], 7, 14_286),
                Tensor.of("big", big, big.length));
        Path file = dir.resolve("big.safetensors");
        tensors.save(file);
        assertBitsEqual(Tensors.load(file), tensors);
    }

    @Test
    void savedSettingsAreTheLoadedSettings() {
        Adam config = Adam.builder().name("critic").lr(1.0 / 3).gradNormClip(Double.POSITIVE_INFINITY).b1(0.1 + 0.2)
                .b2(0.999).eps(Math.ulp(1.0)).epsRoot(Double.MIN_VALUE).weightDecay(1e-300).amsgrad(true)
                .nesterov(true).nonFinitePolicy(NonFinitePolicy.SKIP).build();
        Tensors params = TrainingRun.model();
        Optimizer optimizer = config.init(params);
        Path file = dir.resolve("o.safetensors");
        optimizer.save(file);
        Optimizer loaded = Optimizer.load(file, params);
        assertThat(loaded.config()).isEqualTo(config);
        assertThat(loaded.name()).isEqualTo("critic");
        assertThat(loaded.count()).isZero();
    }

    @Test
    void aScheduleMustBeSuppliedAgainAndThenContinuesExactly() {
        LearningRateSchedule schedule = Schedules.warmupCosineDecay(0, 1e-2, 5, 30, 1e-4, 1);
        Adam config = Adam.builder().lr(schedule).build();
        Tensors paramsA = TrainingRun.model();
        Optimizer a = config.init(paramsA);
        TrainingRun.steps(a, paramsA, 0, 20);

        Tensors paramsB = TrainingRun.model();
        Optimizer b = config.init(paramsB);
        TrainingRun.steps(b, paramsB, 0, 10);
        Path file = dir.resolve("o.safetensors");
        b.save(file);

        assertThatThrownBy(() -> Optimizer.load(file, paramsB))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("warmupCosineDecay(")
                .hasMessageContaining("loadWith");

        List<StepEvent> events = new ArrayList<>();
        Optimizer resumed = Optimizer.loadWith(file, paramsB,
                settings -> settings.lr(schedule).listener(e -> events.add(e.snapshot())));
        TrainingRun.steps(resumed, paramsB, 10, 20);
        assertBitsEqual(paramsB, paramsA);
        assertThat(resumed.lastLearningRate()).isEqualTo(schedule.at(19));
        assertThat(events).hasSize(10);
    }

    @Test
    void loadWithCanChangeSettingsButNotTheStateLayout() {
        Tensors params = TrainingRun.model();
        Optimizer optimizer = Adam.builder().build().init(params);
        TrainingRun.steps(optimizer, params, 0, 3);
        Path file = dir.resolve("o.safetensors");
        optimizer.save(file);

        assertThat(Optimizer.loadWith(file, params, s -> s.name("renamed")).name()).isEqualTo("renamed");
        assertThatThrownBy(() -> Optimizer.loadWith(file, params, s -> s.amsgrad(true)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("nu_max/policy/l0/kernel");
        assertThatThrownBy(() -> Optimizer.loadWith(file, params, s -> s.b1(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b1");
    }

    @Test
    void saveReplacesTheOldCheckpointAndLeavesNoTemporaryFile() throws IOException {
        Tensors params = TrainingRun.model();
        Optimizer optimizer = Adam.builder().build().init(params);
        Path file = dir.resolve("o.safetensors");
        optimizer.save(file);
        TrainingRun.steps(optimizer, params, 0, 4);
        optimizer.save(file);
        assertThat(Optimizer.load(file, params).count()).isEqualTo(4);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aFailedSaveKeepsThePreviousFileAndRemovesItsTemporaryFile() throws IOException {
        Tensors params = TrainingRun.model();
        // the target is a folder that is not empty: the final rename must fail
        Path target = Files.createDirectory(dir.resolve("busy.safetensors"));
        Path inside = Files.writeString(target.resolve("keep.txt"), "previous");
        Optimizer optimizer = Adam.builder().build().init(params);
        assertThatThrownBy(() -> optimizer.save(target))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(target.toString())
                .hasMessageContaining("cannot be written");
        assertThat(Files.readString(inside)).isEqualTo("previous");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void savingIntoAMissingFolderFailsWithTheFileNamed() {
        Path file = dir.resolve("no/such/folder/o.safetensors");
        Optimizer optimizer = Adam.builder().build().init(TrainingRun.model());
        assertThatThrownBy(() -> optimizer.save(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .satisfies(e -> assertThat(((CheckpointException) e).file()).isEqualTo(file));
    }

    static void assertBitsEqual(Tensors actual, Tensors expected) {
        assertThat(actual.names()).containsExactlyElementsOf(expected.names());
        for (int i = 0; i < expected.size(); i++) {
            Tensor e = expected.get(i);
            Tensor a = actual.get(i);
            assertThat(a.shape()).as("shape of %s", e.name()).containsExactly(e.shape());
            assertThat(rawBits(a.data())).as("bits of %s", e.name()).containsExactly(rawBits(e.data()));
        }
    }

    private static int[] rawBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
