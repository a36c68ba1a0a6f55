package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.testing.SafeTensorsBytes;
import io.github.skrl4j.adam.testing.TrainingRun;
import static io.github.skrl4j.adam.testing.SafeTensorsBytes.f32;
import static io.github.skrl4j.adam.testing.SafeTensorsBytes.file;
import static io.github.skrl4j.adam.testing.SafeTensorsBytes.rawFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad file is refused with a {@link CheckpointException} naming the file and the problem. */
class CheckpointCorruptionTest {

    @TempDir
    Path dir;

    private Tensors params;
    private byte[] optimizerFile;
    private byte[] tensorsFile;

    @BeforeEach
    void validFiles() throws IOException {
        params = TrainingRun.model();
        Optimizer optimizer = Adam.builder().amsgrad(true).build().init(params);
        TrainingRun.steps(optimizer, params, 0, 3);
        optimizer.save(dir.resolve("valid-optimizer.safetensors"));
        params.save(dir.resolve("valid-params.safetensors"));
        optimizerFile = Files.readAllBytes(dir.resolve("valid-optimizer.safetensors"));
        tensorsFile = Files.readAllBytes(dir.resolve("valid-params.safetensors"));
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "bad", ".safetensors"), bytes);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> optimizerLoadOf(byte[] bytes) throws IOException {
        Path file = write(bytes);
        return assertThatThrownBy(() -> Optimizer.load(file, params))
                .isExactlyInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(file + ": ");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> tensorsLoadOf(byte[] bytes) throws IOException {
        Path file = write(bytes);
        return assertThatThrownBy(() -> Tensors.load(file))
                .isExactlyInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(file + ": ");
    }

    private static byte[] replaceInHeader(byte[] file, String from, String to) {
        String header = SafeTensorsBytes.header(file);
        assertThat(header).contains(from);
        assertThat(to).hasSameSizeAs(from);
        byte[] copy = file.clone();
        byte[] replaced = header.replace(from, to).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(replaced, 0, copy, 8, replaced.length);
        return copy;
    }

    @Nested
    class Truncated {
        @Test
        void emptyAndShorterThanTheLengthField() throws IOException {
            optimizerLoadOf(new byte[0]).hasMessageContaining("truncated: 0 bytes");
            optimizerLoadOf(Arrays.copyOf(optimizerFile, 5)).hasMessageContaining("truncated: 5 bytes");
        }

        @Test
        void insideTheHeader() throws IOException {
            optimizerLoadOf(Arrays.copyOf(optimizerFile, 40)).hasMessageContaining("exceeds the file's size of 40");
        }

        @Test
        void insideTheData() throws IOException {
            optimizerLoadOf(Arrays.copyOf(optimizerFile, optimizerFile.length - 3)).hasMessageContaining("truncated");
            tensorsLoadOf(Arrays.copyOf(tensorsFile, tensorsFile.length - 4)).hasMessageContaining("truncated");
        }

        @Test
        void justAfterTheHeader() throws IOException {
            int headerEnd = 8 + SafeTensorsBytes.header(tensorsFile).length();
            int padded = (headerEnd + 7) / 8 * 8;
            tensorsLoadOf(Arrays.copyOf(tensorsFile, padded)).hasMessageContaining("beyond the data section's 0 bytes");
        }
    }

    @Nested
    class HeaderLength {
        @Test
        void largerThanTheFileIsRefusedBeforeAllocating() throws IOException {
            optimizerLoadOf(rawFile(1L << 40, "{}".getBytes(StandardCharsets.UTF_8)))
                    .hasMessageContaining("header length 1099511627776 exceeds the file's size of 10 bytes");
            optimizerLoadOf(rawFile(Integer.MAX_VALUE, new byte[16]))
                    .hasMessageContaining("exceeds the file's size");
        }

        @Test
        void aboveTwoToThe63IsReadAsUnsigned() throws IOException {
            optimizerLoadOf(rawFile(-1L, "{}".getBytes(StandardCharsets.UTF_8)))
                    .hasMessageContaining("header length 18446744073709551615 exceeds");
        }

        @Test
        void aboveTheReferenceLimitEvenInsideALargeFile() throws IOException {
            Path file = dir.resolve("sparse.safetensors");
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.write(SafeTensorsBytes.littleEndianLong(150_000_000L));
                f.setLength(160_000_000L); // sparse: no disk space used
            }
            assertThatThrownBy(() -> Tensors.load(file)).isExactlyInstanceOf(CheckpointException.class)
                    .hasMessageContaining("exceeds the limit of 100000000 bytes");
        }

        @Test
        void tooShortForAnObject() throws IOException {
            tensorsLoadOf(rawFile(1, "{".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("too short");
        }

        @Test
        void pointingIntoTheDataLeavesAGarbledHeader() throws IOException {
            byte[] bad = optimizerFile.clone();
            System.arraycopy(SafeTensorsBytes.littleEndianLong(SafeTensorsBytes.header(optimizerFile).length() + 16),
                    0, bad, 0, 8);
            optimizerLoadOf(bad).hasMessageContaining("garbled header");
        }
    }

    @Nested
    class GarbledHeader {
        @Test
        void notStartingWithABrace() throws IOException {
            optimizerLoadOf(replaceInHeader(optimizerFile, "{\"__metadata__\"", "[\"__metadata__\""))
                    .hasMessageContaining("garbled header: it does not start with '{'");
        }

        @Test
        void brokenJson() throws IOException {
            optimizerLoadOf(replaceInHeader(optimizerFile, "\"shape\":", "\"shape\";"))
                    .hasMessageContaining("garbled header: expected ':'").hasMessageContaining("at character");
            optimizerLoadOf(replaceInHeader(optimizerFile, "\"dtype\"", "\"dtype "))
                    .hasMessageContaining("garbled header");
        }

        @Test
        void notUtf8() throws IOException {
            byte[] bad = optimizerFile.clone();
            bad[8 + SafeTensorsBytes.header(optimizerFile).indexOf("mu/")] = (byte) 0xff;
            optimizerLoadOf(bad).hasMessageContaining("garbled header: not UTF-8");
        }

        @Test
        void contentAfterTheObject() throws IOException {
            tensorsLoadOf(file("{} x", new byte[0])).hasMessageContaining("unexpected content after the header object");
        }

        @Test
        void duplicateKeys() throws IOException {
            String t = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
            tensorsLoadOf(file("{\"a\":" + t + ",\"a\":" + t + "}", f32(1)))
                    .hasMessageContaining("duplicate key \"a\"");
        }

        @Test
        void wrongStructure() throws IOException {
            tensorsLoadOf(file("{\"__metadata__\":{\"k\":1}}", new byte[0]))
                    .hasMessageContaining("metadata 'k' is a number, not a string");
            tensorsLoadOf(file("{\"__metadata__\":[]}", new byte[0])).hasMessageContaining("__metadata__ is an array");
            tensorsLoadOf(file("{\"a\":[1]}", new byte[0])).hasMessageContaining("tensor 'a' is an array");
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}",
                    f32(1))).hasMessageContaining("unknown field 'extra'");
            tensorsLoadOf(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1)))
                    .hasMessageContaining("tensor 'a' has no dtype");
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", f32(1)))
                    .hasMessageContaining("has shape [-1]");
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", f32(1)))
                    .hasMessageContaining("only integers");
            tensorsLoadOf(file("{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1)))
                    .hasMessageContaining("empty name");
        }

        @Test
        void deepNestingIsRefusedWithoutExhaustingTheStack() throws IOException {
            String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
            tensorsLoadOf(file(deep, new byte[0])).hasMessageContaining("nesting deeper than 16");
        }

        @Test
        void loneSurrogateEscape() throws IOException {
            tensorsLoadOf(file("{\"__metadata__\":{\"k\":\"\\ud800\"}}", new byte[0]))
                    .hasMessageContaining("lone surrogate");
        }
    }

    @Nested
    class DtypeAndOffsets {
        @Test
        void otherDtypesAreRefused() throws IOException {
            tensorsLoadOf(file("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]))
                    .hasMessageContaining("tensor 'h' has dtype F16; only F32 (float32) is supported");
            optimizerLoadOf(replaceInHeader(optimizerFile, "\"F32\"", "\"F64\""))
                    .hasMessageContaining("has dtype F64");
        }

        @Test
        void offsetsBeyondTheData() throws IOException {
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", f32(1, 2, 3)))
                    .hasMessageContaining("tensor 'a' has data_offsets [0, 400] beyond the data section's 12 bytes");
        }

        @Test
        void overlappingTensors() throws IOException {
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", f32(1, 2, 3)))
                    .hasMessageContaining("tensor 'b' at [4, 12] overlaps tensor 'a' at [0, 8]");
        }

        @Test
        void gapBetweenTensors() throws IOException {
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", f32(1, 2, 3)))
                    .hasMessageContaining("bytes [4, 8) of the data section belong to no tensor");
        }

        @Test
        void trailingBytes() throws IOException {
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32(1, 2, 3)))
                    .hasMessageContaining("the tensors cover 8 bytes but the data section has 12");
        }

        @Test
        void shapeThatDoesNotFitItsOffsets() throws IOException {
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", f32(1, 2)))
                    .hasMessageContaining("tensor 'a': shape [3] needs 12 bytes but data_offsets [0, 8] span 8");
        }

        @Test
        void malformedOffsets() throws IOException {
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", f32(1, 2)))
                    .hasMessageContaining("0 <= begin <= end");
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", f32(1)))
                    .hasMessageContaining("0 <= begin <= end");
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", f32(1)))
                    .hasMessageContaining("data_offsets [0]");
        }

        @Test
        void tooManyValuesForAJavaArray() throws IOException {
            tensorsLoadOf(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", f32(1)))
                    .hasMessageContaining("too many values for a Java array");
        }
    }

    @Nested
    class Checksum {
        @Test
        void aFlippedDataBitIsDetected() throws IOException {
            byte[] bad = optimizerFile.clone();
            bad[bad.length - 5] ^= 0x01;
            optimizerLoadOf(bad).hasMessageContaining("checksum mismatch").hasMessageContaining("corrupt");
            byte[] badTensors = tensorsFile.clone();
            badTensors[badTensors.length - 1] ^= (byte) 0x80;
            tensorsLoadOf(badTensors).hasMessageContaining("checksum mismatch");
        }

        @Test
        void changedSettingsOrCountAreDetected() throws IOException {
            optimizerLoadOf(replaceInHeader(optimizerFile, "\"b1\":\"0.9\"", "\"b1\":\"0.8\""))
                    .hasMessageContaining("checksum mismatch");
            optimizerLoadOf(replaceInHeader(optimizerFile, "\"count\":\"3\"", "\"count\":\"4\""))
                    .hasMessageContaining("checksum mismatch");
        }

        @Test
        void swappedTensorNamesAreDetected() throws IOException {
            // both moments have the same shapes, so only the checksum can tell mu from nu
            byte[] bad = replaceInHeader(optimizerFile, "\"mu/log_std\"", "\"xx/log_std\"");
            bad = replaceInHeader(bad, "\"nu/log_std\"", "\"mu/log_std\"");
            bad = replaceInHeader(bad, "\"xx/log_std\"", "\"nu/log_std\"");
            optimizerLoadOf(bad).hasMessageContaining("checksum mismatch");
        }

        @Test
        void aDamagedChecksumKeyDoesNotTurnVerificationOff() throws IOException {
            // found by the fuzz test: "skrl4j.crc32c" -> "skrl4j.cpc32c" made the checksum look absent,
            // which Tensors.load allows for files by other writers
            byte[] bad = replaceInHeader(tensorsFile, "\"skrl4j.crc32c\"", "\"skrl4j.cpc32c\"");
            bad[bad.length - 1] ^= 0x10;
            tensorsLoadOf(bad).hasMessageContaining("missing metadata 'skrl4j.crc32c'");
        }

        @Test
        void aMalformedChecksumIsRefused() throws IOException {
            String header = SafeTensorsBytes.header(optimizerFile);
            int at = header.indexOf("\"skrl4j.crc32c\":\"") + "\"skrl4j.crc32c\":\"".length();
            String crc = header.substring(at, at + 8);
            optimizerLoadOf(replaceInHeader(optimizerFile, "\"" + crc + "\"", "\"" + crc.substring(0, 7) + "G\""))
                    .hasMessageContaining("is not 8 hex digits");
        }

        @Test
        void theOptimizerNeedsAChecksum() throws IOException {
            optimizerLoadOf(file("{\"__metadata__\":{\"skrl4j.format\":\"adam-optimizer\"}}", new byte[0]))
                    .hasMessageContaining("missing metadata 'skrl4j.crc32c'");
        }
    }

    @Nested
    class Metadata {
        private byte[] optimizerFileWith(Map<String, String> changes, String... removed) throws IOException {
            SafeTensorsReader.Contents valid = SafeTensorsReader.read(dir.resolve("valid-optimizer.safetensors"), true);
            Map<String, String> metadata = new LinkedHashMap<>(valid.metadata());
            metadata.putAll(changes);
            for (String key : removed) {
                metadata.remove(key);
            }
            Path file = dir.resolve("rewritten.safetensors");
            SafeTensorsWriter.write(file, valid.tensors(), metadata);
            return Files.readAllBytes(file);
        }

        @Test
        void aNewerFormatVersionIsRefused() throws IOException {
            optimizerLoadOf(optimizerFileWith(Map.of("skrl4j.formatVersion", "2")))
                    .hasMessageContaining("has format version 2, newer than version 1");
            Path tensors = dir.resolve("newer-tensors.safetensors");
            SafeTensorsWriter.write(tensors, params.asList(), Map.of("skrl4j.format", "tensors", "skrl4j.formatVersion", "7"));
            assertThatThrownBy(() -> Tensors.load(tensors)).isExactlyInstanceOf(CheckpointException.class)
                    .hasMessageContaining("format version 7");
        }

        @Test
        void missingMetadataIsNamed() throws IOException {
            for (String key : List.of("count", "b2", "nonFinite", "skrl4j.formatVersion", "skrl4j.format", "name")) {
                optimizerLoadOf(optimizerFileWith(Map.of(), key)).hasMessageContaining("missing metadata '" + key + "'");
            }
        }

        @Test
        void malformedValuesAreNamed() throws IOException {
            optimizerLoadOf(optimizerFileWith(Map.of("eps", "tiny"))).hasMessageContaining("'eps' is not a number");
            optimizerLoadOf(optimizerFileWith(Map.of("count", "-1"))).hasMessageContaining("'count' is negative");
            optimizerLoadOf(optimizerFileWith(Map.of("count", "1.5"))).hasMessageContaining("'count' is not an integer");
            optimizerLoadOf(optimizerFileWith(Map.of("amsgrad", "yes"))).hasMessageContaining("expected true or false");
            optimizerLoadOf(optimizerFileWith(Map.of("nonFinite", "IGNORE"))).hasMessageContaining("[ERROR, SKIP]");
            optimizerLoadOf(optimizerFileWith(Map.of("b1", "1.5")))
                    .hasMessageContaining("holds invalid settings: b1 must be in [0, 1)");
            optimizerLoadOf(optimizerFileWith(Map.of("skrl4j.formatVersion", "one")))
                    .hasMessageContaining("'skrl4j.formatVersion' is not an integer");
        }

        @Test
        void aTensorsFileIsNotAnOptimizer() throws IOException {
            optimizerLoadOf(tensorsFile)
                    .hasMessageContaining("is not an optimizer checkpoint: skrl4j.format is 'tensors'");
        }
    }

    @Nested
    class ModelMismatch {
        @Test
        void aShapeDifferenceNamesTheTensorAndBothShapes() throws IOException {
            Tensors other = Tensors.of(Tensor.zeros("policy/l0/kernel", 4, 3), Tensor.zeros("policy/l0/bias", 4),
                    Tensor.zeros("log_std"));
            Path file = write(optimizerFile);
            assertThatThrownBy(() -> Optimizer.load(file, other)).isExactlyInstanceOf(CheckpointException.class)
                    .hasMessage(file + ": tensor 'mu/policy/l0/kernel' has shape [3, 4] but the model's parameter"
                            + " 'policy/l0/kernel' has shape [4, 3]");
        }

        @Test
        void aParameterWithoutMomentsIsNamed() throws IOException {
            Tensors bigger = Tensors.of(params.get(0), params.get(1), params.get(2), Tensor.zeros("value/bias", 1));
            Path file = write(optimizerFile);
            assertThatThrownBy(() -> Optimizer.load(file, bigger)).isExactlyInstanceOf(CheckpointException.class)
                    .hasMessageContaining("has no tensor 'mu/value/bias' for the model's parameter 'value/bias' [1]");
        }

        @Test
        void momentsWithoutAParameterAreNamed() throws IOException {
            Tensors smaller = Tensors.of(params.get(0), params.get(1));
            Path file = write(optimizerFile);
            assertThatThrownBy(() -> Optimizer.load(file, smaller)).isExactlyInstanceOf(CheckpointException.class)
                    .hasMessageContaining("holds tensors [mu/log_std, nu/log_std, nu_max/log_std]");
        }

        @Test
        void aWellFormedFileWithANegativeSecondMomentIsRefused() throws IOException {
            // checksum and layout are right (written by the codec itself): only the values are impossible
            Path valid = dir.resolve("valid-optimizer.safetensors");
            SafeTensorsReader.Contents contents = SafeTensorsReader.read(valid, true);
            List<Tensor> tensors = new ArrayList<>();
            for (Tensor t : contents.tensors()) {
                float[] data = t.data().clone();
                if (t.name().equals("nu/log_std")) {
                    data[0] = -1f;
                }
                tensors.add(Tensor.of(t.name(), data, t.shape()));
            }
            Path file = dir.resolve("negative-nu.safetensors");
            SafeTensorsWriter.write(file, tensors, contents.metadata());
            Tensors before = params.copy();

            assertThatThrownBy(() -> Optimizer.load(file, params)).isExactlyInstanceOf(CheckpointException.class)
                    .hasMessage(file + ": cannot be restored: optimizer 'adam': state nu 'log_std' holds -1.0 at"
                            + " index 0; nu values are >= 0 and never NaN");
            assertThat(params.contentEquals(before)).isTrue();
        }

        @Test
        void aFailedLoadLeavesTheModelAsItWas() throws IOException {
            Tensors before = params.copy();
            byte[] bad = optimizerFile.clone();
            bad[bad.length - 1] ^= 1;
            optimizerLoadOf(bad).hasMessageContaining("checksum");
            assertThat(params.contentEquals(before)).isTrue();
        }
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.safetensors");
        assertThatThrownBy(() -> Optimizer.load(missing, params)).isExactlyInstanceOf(CheckpointException.class)
                .hasMessage(missing + ": no such file");
        assertThatThrownBy(() -> Tensors.load(missing)).isExactlyInstanceOf(CheckpointException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void aFolderIsNotACheckpoint() {
        assertThatThrownBy(() -> Tensors.load(dir)).isExactlyInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(dir + ": ");
    }

    @Test
    void theValidFilesLoad() throws IOException {
        assertThat(Optimizer.load(write(optimizerFile), params).count()).isEqualTo(3);
        assertThat(Tensors.load(write(tensorsFile)).contentEquals(params)).isTrue();
    }
}
