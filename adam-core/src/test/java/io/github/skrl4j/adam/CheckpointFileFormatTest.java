package io.github.skrl4j.adam;

import io.github.skrl4j.adam.testing.SafeTensorsBytes;
import io.github.skrl4j.adam.testing.TrainingRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.schedule.Schedules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files are a published format (Python reads them, older and newer skrl4j versions read each
 * other's): the exact bytes that version 1 writes for a known run are pinned here, so that a change
 * to the code that writes them cannot change them unnoticed.
 */
class CheckpointFileFormatTest {

    @TempDir
    Path dir;

    @Test
    void anOptimizerWithEverySettingChangedIsWrittenByteForByteAsVersion1() throws IOException {
        Tensors params = TrainingRun.model();
        Optimizer optimizer = Adam.builder().name("critic")
                .lr(Schedules.warmupCosineDecay(0, 1e-2, 5, 30, 1e-4, 1)).gradNormClip(0.5).b1(0.8).b2(0.99)
                .eps(1e-7).epsRoot(1e-12).weightDecay(1e-2).amsgrad(true).nesterov(true)
                .nonFinitePolicy(NonFinitePolicy.SKIP).build().init(params);
        TrainingRun.steps(optimizer, params, 0, 3);
        Path file = dir.resolve("o.safetensors");
        optimizer.save(file);

        assertWritten(file, "{\"__metadata__\":{\"skrl4j.crc32c\":\"1dba1a47\",\"skrl4j.format\":\"adam-optimizer\","
                + "\"skrl4j.formatVersion\":\"1\",\"name\":\"critic\",\"lr\":\"0.001\",\"lrSchedule\":\"warmupCosineDecay(initValue=0.0,"
                + " peakValue=0.01, warmupSteps=5, decaySteps=30, endValue=1.0E-4,"
                + " exponent=1.0)\",\"gradNormClip\":\"0.5\",\"scale\":\"true\",\"b1\":\"0.8\","
                + "\"b2\":\"0.99\",\"eps\":\"1.0E-7\",\"epsRoot\":\"1.0E-12\",\"weightDecay\":\"0.01\","
                + "\"amsgrad\":\"true\",\"nesterov\":\"true\",\"nonFinite\":\"SKIP\",\"count\":\"3\"},"
                + "\"mu/policy/l0/kernel\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,"
                + "48]},\"mu/policy/l0/bias\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[48,"
                + "64]},\"mu/log_std\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[64,"
                + "68]},\"nu/policy/l0/kernel\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[68,"
                + "116]},\"nu/policy/l0/bias\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[116,"
                + "132]},\"nu/log_std\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[132,"
                + "136]},\"nu_max/policy/l0/kernel\":{\"dtype\":\"F32\",\"shape\":[3,4],"
                + "\"data_offsets\":[136,184]},\"nu_max/policy/l0/bias\":{\"dtype\":\"F32\","
                + "\"shape\":[4],\"data_offsets\":[184,200]},\"nu_max/log_std\":{\"dtype\":\"F32\","
                + "\"shape\":[],\"data_offsets\":[200,204]}}",
                1308, "d53613bbab5263295cc13bf882746bda8ed98654882b4ef9b6a60c0a116a89be");
    }

    @Test
    void anOptimizerWithTheDefaultsIsWrittenByteForByteAsVersion1() throws IOException {
        Path file = dir.resolve("o.safetensors");
        Adam.builder().build().init(TrainingRun.model()).save(file);

        assertWritten(file, "{\"__metadata__\":{\"skrl4j.crc32c\":\"2420b795\",\"skrl4j.format\":\"adam-optimizer\","
                + "\"skrl4j.formatVersion\":\"1\",\"name\":\"adam\",\"lr\":\"0.001\",\"gradNormClip\":\"0.0\","
                + "\"scale\":\"true\",\"b1\":\"0.9\",\"b2\":\"0.999\",\"eps\":\"1.0E-8\",\"epsRoot\":\"0.0\","
                + "\"weightDecay\":\"0.0\",\"amsgrad\":\"false\",\"nesterov\":\"false\",\"nonFinite\":\"ERROR\","
                + "\"count\":\"0\"},\"mu/policy/l0/kernel\":{\"dtype\":\"F32\",\"shape\":[3,"
                + "4],\"data_offsets\":[0,48]},\"mu/policy/l0/bias\":{\"dtype\":\"F32\","
                + "\"shape\":[4],\"data_offsets\":[48,64]},\"mu/log_std\":{\"dtype\":\"F32\","
                + "\"shape\":[],\"data_offsets\":[64,68]},\"nu/policy/l0/kernel\":{\"dtype\":\"F32\","
                + "\"shape\":[3,4],\"data_offsets\":[68,116]},\"nu/policy/l0/bias\":{\"dtype\":\"F32\","
                + "\"shape\":[4],\"data_offsets\":[116,132]},\"nu/log_std\":{\"dtype\":\"F32\","
                + "\"shape\":[],\"data_offsets\":[132,136]}}",
                880, "438b8ae6c912dd71e25402b54ee65b1671881f55902d2467a4c80fef9775b293");
    }

    @Test
    void tensorsAreWrittenByteForByteAsVersion1() throws IOException {
        Path file = dir.resolve("p.safetensors");
        TrainingRun.model().save(file);

        assertWritten(file, "{\"__metadata__\":{\"skrl4j.crc32c\":\"7f27ce3f\",\"skrl4j.format\":\"tensors\","
                + "\"skrl4j.formatVersion\":\"1\"},\"policy/l0/kernel\":{\"dtype\":\"F32\","
                + "\"shape\":[3,4],\"data_offsets\":[0,48]},\"policy/l0/bias\":{\"dtype\":\"F32\","
                + "\"shape\":[4],\"data_offsets\":[48,64]},\"log_std\":{\"dtype\":\"F32\","
                + "\"shape\":[],\"data_offsets\":[64,68]}}",
                380, "538f2c39160ea38c3a1ecd823f2dd30e4a8ec80d35b09ad36d44c5fd00360a03");
    }

    private static void assertWritten(Path file, String header, int size, String sha256) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(SafeTensorsBytes.header(bytes)).isEqualTo(header);
        assertThat(bytes).hasSize(size);
        assertThat(sha256(bytes)).as("SHA-256 of the whole file").isEqualTo(sha256);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
