package io.github.skrl4j.adam.internal.checkpoint;

import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.CHECKSUM_KEY;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.DTYPE;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.METADATA_KEY;

import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes float32 tensors as a safetensors file, laid out as Hugging Face's {@code safetensors}
 * writes it:
 * <ol>
 *   <li>8 bytes: the header's length {@code N}, an unsigned little-endian 64-bit integer;</li>
 *   <li>{@code N} bytes: a UTF-8 JSON object {@code {"__metadata__": {string: string}, "name":
 *       {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}}, padded with spaces so
 *       that the data starts at a multiple of 8 bytes;</li>
 *   <li>the data section: every tensor's row-major little-endian values at its {@code [begin, end)},
 *       relative to the section's start; the tensors are contiguous and cover it exactly.</li>
 * </ol>
 * The metadata starts with the {@link ContentChecksum}, filled in once the data has been written.
 */
final class SafeTensorsWriter {

    static final int CHUNK_BYTES = 1 << 16;
    /** How every header written here begins: the checksum, at a known position, to fill in last. */
    private static final String HEADER_START = "{" + HeaderJson.quote(METADATA_KEY) + ":{"
            + HeaderJson.quote(CHECKSUM_KEY) + ":\"";
    private static final int CHECKSUM_POSITION = HEADER_START.length();

    private SafeTensorsWriter() {
    }

    /**
     * Writes the tensors, in this order, and the metadata plus a checksum, atomically.
     *
     * @throws IllegalArgumentException if a name is {@value CheckpointFormat#METADATA_KEY} or not
     *                                  valid Unicode, or a metadata key is {@value CheckpointFormat#CHECKSUM_KEY}
     * @throws CheckpointException      if the file cannot be written (the previous file stays)
     */
    static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
        if (metadata.containsKey(CHECKSUM_KEY) || metadata.containsKey(METADATA_KEY)) {
            throw new IllegalArgumentException("metadata key '" + CHECKSUM_KEY + "' is reserved");
        }
        List<TensorEntry> entries = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Tensor t : tensors) {
            if (t.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named '" + METADATA_KEY + "'");
            }
            long bytes = 4L * t.size();
            entries.add(new TensorEntry(t.name(), DTYPE, t.shape(), offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = headerBytes(entries, metadata);
        ContentChecksum checksum = new ContentChecksum(entries, metadata);

        AtomicFiles.write(file, channel -> {
            channel.position(8L + header.length);
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors) {
                float[] data = t.data();
                for (int from = 0; from < data.length; from += CHUNK_BYTES / 4) {
                    int count = Math.min(CHUNK_BYTES / 4, data.length - from);
                    buffer.clear();
                    buffer.asFloatBuffer().put(data, from, count);
                    buffer.limit(count * 4);
                    checksum.update(buffer.array(), 0, count * 4);
                    writeFully(channel, buffer);
                }
            }
            // the checksum has a fixed width and comes first in the metadata, so only it changes
            byte[] hex = checksum.hex().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(hex, 0, header, CHECKSUM_POSITION, hex.length);
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header).flip();
            channel.position(0);
            writeFully(channel, head);
        });
    }

    private static byte[] headerBytes(List<TensorEntry> entries, Map<String, String> metadata) {
        Map<String, String> withChecksum = new LinkedHashMap<>();
        withChecksum.put(CHECKSUM_KEY, "0".repeat(ContentChecksum.HEX_DIGITS));
        withChecksum.putAll(metadata);
        byte[] utf8 = encodeStrictly(HeaderJson.write(withChecksum, entries));
        // as Python's safetensors: spaces up to a multiple of 8, so the data is 8-byte aligned
        int padded = (utf8.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(utf8, padded);
        Arrays.fill(header, utf8.length, padded, (byte) ' ');
        return header;
    }

    private static byte[] encodeStrictly(String s) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
            return Arrays.copyOfRange(b.array(), b.position(), b.limit());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a tensor name or metadata entry is not valid Unicode"
                    + " (a lone surrogate)", e);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
