package io.github.skrl4j.adam.internal.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The CRC-32C that a file of ours carries under {@value CheckpointFormat#CHECKSUM_KEY}, as 8
 * lower-case hex digits. It covers, in order: for every tensor in data order its name, dtype,
 * shape and offsets; every metadata entry but the checksum itself, sorted by key; and the data
 * section. Integers there are little-endian: a string is its UTF-8 length (u32) and bytes, a shape
 * its rank (u32) and dimensions (u64 each), an offset a u64; the metadata starts with its entry
 * count (u32). So a corrupt byte anywhere that a load uses is detected; only whitespace in the
 * header may change without effect.
 */
final class ContentChecksum {

    /** The checksum's width in the header: fixed, so that a writer can fill it in last. */
    static final int HEX_DIGITS = 8;

    private final CRC32C crc = new CRC32C();

    /**
     * A checksum that has taken in the header: {@code entries} in data order and {@code metadata}
     * without the checksum entry; the data follows through {@link #update}.
     */
    ContentChecksum(List<TensorEntry> entries, Map<String, String> metadata) {
        Canonical out = new Canonical();
        for (TensorEntry e : entries) {
            out.string(e.name());
            out.string(e.dtype());
            out.u32(e.shape().length);
            for (int d : e.shape()) {
                out.u64(d);
            }
            out.u64(e.begin());
            out.u64(e.end());
        }
        List<Map.Entry<String, String>> sorted = new ArrayList<>(metadata.entrySet());
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.getKey().getBytes(StandardCharsets.UTF_8),
                b.getKey().getBytes(StandardCharsets.UTF_8)));
        out.u32(sorted.size());
        for (Map.Entry<String, String> m : sorted) {
            out.string(m.getKey());
            out.string(m.getValue());
        }
        crc.update(out.toByteArray());
    }

    /** Takes in the next bytes of the data section. */
    void update(byte[] bytes, int offset, int length) {
        crc.update(bytes, offset, length);
    }

    /** The checksum as it is written: {@value #HEX_DIGITS} lower-case hex digits. */
    String hex() {
        return String.format("%08x", crc.getValue());
    }

    /** True when {@code text} has the form of a written checksum. */
    static boolean isWellFormed(String text) {
        return text.matches("[0-9a-f]{" + HEX_DIGITS + "}");
    }

    /** Little-endian bytes for the checksum's canonical form of the header. */
    private static final class Canonical extends ByteArrayOutputStream {
        void u32(int v) {
            for (int i = 0; i < 4; i++) {
                write(v >>> (8 * i));
            }
        }

        void u64(long v) {
            for (int i = 0; i < 8; i++) {
                write((int) (v >>> (8 * i)));
            }
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            write(b, 0, b.length);
        }
    }
}
