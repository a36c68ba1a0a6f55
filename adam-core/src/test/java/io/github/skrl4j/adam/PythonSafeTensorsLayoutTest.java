package io.github.skrl4j.adam;

import io.github.skrl4j.adam.testing.SafeTensorsBytes;
import static io.github.skrl4j.adam.testing.SafeTensorsBytes.concat;
import static io.github.skrl4j.adam.testing.SafeTensorsBytes.f32;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files laid out byte for byte as Python's {@code safetensors.numpy.save_file} writes them: the
 * Rust serializer sorts tensors by dtype alignment and then by name, writes {@code __metadata__}
 * first, compact JSON, and pads the header with spaces to a multiple of 8 bytes.
 */
class PythonSafeTensorsLayoutTest {

    @TempDir
    Path dir;

    @Test
    void readsAFileAsPythonWritesIt() throws IOException {
        // save_file({"weight": np.array([[1, 2], [3, 4]], "float32"), "bias": np.array([0.5, -0.5], "float32")},
        //           path, metadata={"format": "np"})
        String json = "{\"__metadata__\":{\"format\":\"np\"},"
                + "\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}}";
        byte[] headerBytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(headerBytes.length % 8).as("this header needs padding").isNotZero();
        int padding = 8 - headerBytes.length % 8;

        byte[] file = concat(
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length + padding).array(),
                headerBytes,
                " ".repeat(padding).getBytes(StandardCharsets.US_ASCII),
                // little-endian float32: 0.5f = 00 00 00 3f, -0.5f = 00 00 00 bf, 1f = 00 00 80 3f, ...
                new byte[] {0, 0, 0, 0x3f, 0, 0, 0, (byte) 0xbf},
                new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, (byte) 0x80, 0x40});
        Path path = Files.write(dir.resolve("python.safetensors"), file);

        Tensors loaded = Tensors.load(path);
        assertThat(loaded.names()).containsExactly("bias", "weight");
        assertThat(loaded.get("bias").data()).containsExactly(0.5f, -0.5f);
        assertThat(loaded.get("weight").shape()).containsExactly(2, 2);
        assertThat(loaded.get("weight").data()).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void readsAFileWithoutMetadataOrTensors() throws IOException {
        // save_file({}, path): header "{}" padded to 8 bytes
        byte[] file = concat(SafeTensorsBytes.littleEndianLong(8), "{}      ".getBytes(StandardCharsets.US_ASCII));
        assertThat(Tensors.load(Files.write(dir.resolve("empty.safetensors"), file)).isEmpty()).isTrue();
    }

    @Test
    void tensorsComeInDataOrderWhateverTheHeaderOrder() throws IOException {
        // a scalar, a zero-size tensor and whitespace a hand-edited header might hold
        String json = "{\n  \"b\": {\"data_offsets\": [4, 12], \"shape\": [2], \"dtype\": \"F32\"},\n"
                + "  \"empty\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [12, 12]},\n"
                + "  \"a\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4]}\n}";
        Path path = Files.write(dir.resolve("order.safetensors"),
                SafeTensorsBytes.file(json, f32(9f, 1f, 2f)));
        Tensors loaded = Tensors.load(path);
        assertThat(loaded.names()).containsExactly("a", "b", "empty");
        assertThat(loaded.get("a").rank()).isZero();
        assertThat(loaded.get("a").data()).containsExactly(9f);
        assertThat(loaded.get("b").data()).containsExactly(1f, 2f);
        assertThat(loaded.get("empty").size()).isZero();
    }

    @Test
    void writesThePythonLayout() throws IOException {
        Path path = dir.resolve("ours.safetensors");
        Tensors.of(Tensor.of("w", new float[] {1f, 2f, 3f}, 3)).save(path);
        byte[] file = Files.readAllBytes(path);
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).as("data 8-byte aligned, as Python pads").isZero();
        assertThat(file).hasSize((int) (8 + headerLength + 12));
        String header = new String(file, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"skrl4j.crc32c\":\"")
                .contains("\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}");
        assertThat(header.substring(header.lastIndexOf('}') + 1)).isBlank();
        assertThat(SafeTensorsBytes.data(file)).containsExactly(f32(1f, 2f, 3f));
    }
}
