package io.github.skrl4j.adam;

import io.github.skrl4j.adam.testing.SafeTensorsBytes;
import io.github.skrl4j.adam.testing.TrainingRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage to valid files (bit flips, truncation) must end in a {@link CheckpointException}
 * naming the file, or, when the damage only touched header whitespace that JSON ignores, in a load
 * identical to the undamaged one. Nothing else: no other exception, no different result.
 */
class CheckpointFuzzTest {

    private static final int MUTATIONS_PER_FILE = 1500;

    @TempDir
    Path dir;

    @Test
    void damagedOptimizerFilesAreRefusedOrLoadUnchanged() throws IOException {
        Tensors params = TrainingRun.model();
        Optimizer optimizer = Adam.builder().amsgrad(true).gradNormClip(1).build().init(params);
        TrainingRun.steps(optimizer, params, 0, 5);
        Path valid = dir.resolve("optimizer.safetensors");
        optimizer.save(valid);
        OptimizerState expected = optimizer.state();

        fuzz(Files.readAllBytes(valid), 11, file -> {
            Optimizer loaded = Optimizer.load(file, params);
            assertThat(loaded.config()).isEqualTo(optimizer.config());
            OptimizerState state = loaded.state();
            assertThat(state.count()).isEqualTo(expected.count());
            CheckpointRoundTripTest.assertBitsEqual(state.mu(), expected.mu());
            CheckpointRoundTripTest.assertBitsEqual(state.nu(), expected.nu());
            CheckpointRoundTripTest.assertBitsEqual(state.nuMax(), expected.nuMax());
            return null;
        });
    }

    @Test
    void damagedTensorFilesAreRefusedOrLoadUnchanged() throws IOException {
        Tensors params = TrainingRun.model();
        Path valid = dir.resolve("params.safetensors");
        params.save(valid);

        fuzz(Files.readAllBytes(valid), 12, file -> {
            CheckpointRoundTripTest.assertBitsEqual(Tensors.load(file), params);
            return null;
        });
    }

    private void fuzz(byte[] valid, long seed, Function<Path, Void> loadAndCompare) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int headerEnd = 8 + SafeTensorsBytes.header(valid).length();
        int refused = 0;
        int identical = 0;
        for (int i = 0; i < MUTATIONS_PER_FILE; i++) {
            byte[] damaged = valid.clone();
            String damage;
            if (random.nextInt(4) == 0) {
                int length = random.nextInt(valid.length);
                damaged = Arrays.copyOf(valid, length);
                damage = "truncated to " + length;
            } else {
                StringBuilder flips = new StringBuilder("flipped");
                int count = 1 + random.nextInt(3);
                for (int f = 0; f < count; f++) {
                    // half the flips in the header, where the parser is tested, half anywhere
                    int at = random.nextBoolean() ? random.nextInt(headerEnd) : random.nextInt(valid.length);
                    int bit = random.nextInt(8);
                    damaged[at] ^= (byte) (1 << bit);
                    flips.append(" byte ").append(at).append(" bit ").append(bit);
                }
                damage = flips.toString();
                if (Arrays.equals(damaged, valid)) {
                    continue; // two flips cancelled out
                }
            }
            Path file = Files.write(dir.resolve("damaged.safetensors"), damaged);
            try {
                loadAndCompare.apply(file);
                identical++;
            } catch (CheckpointException e) {
                assertThat(e.getMessage()).as(damage).startsWith(file + ": ");
                assertThat(e.file()).isEqualTo(file);
                refused++;
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", mutation " + i + " (" + damage
                        + ") loaded a different result", e);
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                fail("seed " + seed + ", mutation " + i + " (" + damage + ") threw " + e, e);
            }
        }
        assertThat(refused).as("most damage is refused").isGreaterThan(MUTATIONS_PER_FILE * 9 / 10);
        assertThat(refused + identical).isLessThanOrEqualTo(MUTATIONS_PER_FILE);
    }
}
