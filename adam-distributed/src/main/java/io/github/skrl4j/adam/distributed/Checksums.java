package io.github.skrl4j.adam.distributed;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.util.Objects;
import java.util.zip.CRC32C;

/** Checksums of tensor values, to compare replicas cheaply. */
public final class Checksums {

    private static final int BUFFER_FLOATS = 2048;

    private Checksums() {
    }

    /**
     * The CRC-32C of the tensors' values: every float's raw bits, little-endian, tensor after tensor
     * in order. Names and shapes are not included; two replicas of one model share them.
     */
    public static long crc32c(Tensors tensors) {
        Objects.requireNonNull(tensors, "tensors");
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[BUFFER_FLOATS * Float.BYTES];
        for (Tensor t : tensors) {
            float[] data = t.data();
            for (int start = 0; start < data.length; start += BUFFER_FLOATS) {
                int n = Math.min(BUFFER_FLOATS, data.length - start);
                for (int i = 0; i < n; i++) {
                    int bits = Float.floatToRawIntBits(data[start + i]);
                    int b = i * Float.BYTES;
                    buffer[b] = (byte) bits;
                    buffer[b + 1] = (byte) (bits >>> 8);
                    buffer[b + 2] = (byte) (bits >>> 16);
                    buffer[b + 3] = (byte) (bits >>> 24);
                }
                crc.update(buffer, 0, n * Float.BYTES);
            }
        }
        return crc.getValue();
    }

    /** A checksum as eight hex digits, as the sample's dashboard shows it. */
    public static String hex(long checksum) {
        return String.format("%08x", checksum);
    }
}
