package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The safetensors file format, restricted to float32 tensors, with an optional CRC-32C in the
 * metadata. Layout (as Hugging Face's {@code safetensors} writes and reads it):
 * <ol>
 *   <li>8 bytes: the header's length {@code N}, an unsigned little-endian 64-bit integer;</li>
 *   <li>{@code N} bytes: a UTF-8 JSON object {@code {"__metadata__": {string: string}, "name":
 *       {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}}, padded with spaces so
 *       that the data starts at a multiple of 8 bytes;</li>
 *   <li>the data section: every tensor's row-major little-endian values at its {@code [begin, end)},
 *       relative to the section's start; the tensors are contiguous and cover it exactly.</li>
 * </ol>
 *
 * <p>The checksum {@value #CHECKSUM_KEY} (8 lower-case hex digits) is the CRC-32C of, in order: for
 * every tensor in data order its name, dtype, shape and offsets; every other metadata entry, sorted
 * by key; and the data section. Integers there are little-endian: a string is its UTF-8 length
 * (u32) and bytes, a shape its rank (u32) and dimensions (u64 each), an offset a u64; the metadata
 * starts with its entry count (u32). So a corrupt byte anywhere that a load uses is detected; only
 * whitespace in the header may change without effect.
 *
 * <p>Reading checks the header's length against the file's size before allocating it, and every
 * tensor's byte range against the data section before allocating its values: a file never makes the
 * reader allocate more than its own size.
 */
final class SafeTensors {

    static final String DTYPE = "F32";
    static final String METADATA_KEY = "__metadata__";
    /** The prefix of the metadata keys that this library writes. */
    static final String OWN_PREFIX = "skrl4j.";
    static final String CHECKSUM_KEY = OWN_PREFIX + "crc32c";
    /** The reference implementation's limit on the header (100 MB); larger is garbage. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final String CHECKSUM_PLACEHOLDER = "00000000";
    /** How every header this class writes begins: the checksum, at a known position, to fill in last. */
    private static final String HEADER_START = "{\"" + METADATA_KEY + "\":{\"" + CHECKSUM_KEY + "\":\"";
    private static final int CHECKSUM_POSITION = HEADER_START.length();

    /** A file's tensors, in data order, and its metadata (without the checksum entry). */
    record Contents(List<Tensor> tensors, Map<String, String> metadata, boolean checksummed) {
    }

    /** A tensor's header entry. */
    private record Entry(String name, int[] shape, int size, long begin, long end) {
    }

    private SafeTensors() {
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes the tensors, in this order, and the metadata plus a checksum, atomically.
     *
     * @throws IllegalArgumentException if a name is {@value #METADATA_KEY} or not valid Unicode, or a
     *                                  metadata key is {@value #CHECKSUM_KEY}
     * @throws CheckpointException      if the file cannot be written (the previous file stays)
     */
    static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
        if (metadata.containsKey(CHECKSUM_KEY) || metadata.containsKey(METADATA_KEY)) {
            throw new IllegalArgumentException("metadata key '" + CHECKSUM_KEY + "' is reserved");
        }
        List<Entry> entries = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Tensor t : tensors) {
            if (t.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named '" + METADATA_KEY + "'");
            }
            long bytes = 4L * t.size();
            entries.add(new Entry(t.name(), t.shape(), t.size(), offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = headerBytes(entries, metadata);
        CRC32C crc = new CRC32C();
        crc.update(checksumPrefix(entries, metadata));

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
                    crc.update(buffer.array(), 0, count * 4);
                    writeFully(channel, buffer);
                }
            }
            // the checksum has a fixed width and comes first in the metadata, so only it changes
            byte[] hex = String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(hex, 0, header, CHECKSUM_POSITION, hex.length);
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header).flip();
            channel.position(0);
            writeFully(channel, head);
        });
    }

    private static byte[] headerBytes(List<Entry> entries, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder(HEADER_START).append(CHECKSUM_PLACEHOLDER).append('"');
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            json.append(',').append(HeaderJson.quote(m.getKey())).append(':').append(HeaderJson.quote(m.getValue()));
        }
        json.append('}');
        for (Entry e : entries) {
            json.append(',').append(HeaderJson.quote(e.name())).append(":{\"dtype\":\"").append(DTYPE)
                    .append("\",\"shape\":[");
            for (int i = 0; i < e.shape().length; i++) {
                json.append(i == 0 ? "" : ",").append(e.shape()[i]);
            }
            json.append("],\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
        }
        json.append('}');
        byte[] utf8 = encodeStrictly(json.toString());
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

    // ---------------------------------------------------------------- reading

    /**
     * Reads a file completely and checks it.
     *
     * @param checksumRequired true to refuse a file without {@value #CHECKSUM_KEY}; a file with
     *                         metadata keys starting {@value #OWN_PREFIX} needs one anyway, and a
     *                         present checksum is always verified
     * @throws CheckpointException naming the file and the first problem found
     */
    static Contents read(Path file, boolean checksumRequired) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, channel, checksumRequired);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "no such file", e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read: " + e, e);
        }
    }

    private static Contents read(Path file, FileChannel channel, boolean checksumRequired) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new CheckpointException(file, "truncated: " + fileSize + " bytes, too short for the 8-byte"
                    + " header length of a safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, lengthBytes);
        long headerLength = lengthBytes.flip().getLong();
        // unsigned: a negative long is a length above 2^63, larger than any file
        if (headerLength < 0 || headerLength > fileSize - 8) {
            throw new CheckpointException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the file's size of " + fileSize + " bytes (truncated or not a safetensors file)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointException(file, "header length " + headerLength + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLength < 2) {
            throw new CheckpointException(file, "header length " + headerLength + " is too short for a JSON object");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(file, channel, headerBytes);
        Map<String, Object> header = parseHeader(file, headerBytes.array());

        Map<String, String> metadata = metadata(file, header.get(METADATA_KEY));
        List<Entry> entries = entries(file, header);
        long dataSize = fileSize - 8 - headerLength;
        checkLayout(file, entries, dataSize);

        String expectedChecksum = metadata.remove(CHECKSUM_KEY);
        // a file of ours always has a checksum: without this, damage to the checksum's key would
        // turn verification off (only files by other writers, such as Python's, go unchecked)
        boolean ours = metadata.keySet().stream().anyMatch(key -> key.startsWith(OWN_PREFIX));
        if (expectedChecksum == null && (checksumRequired || ours)) {
            throw new CheckpointException(file, "missing metadata '" + CHECKSUM_KEY + "'");
        }
        if (expectedChecksum != null && !expectedChecksum.matches("[0-9a-f]{8}")) {
            throw new CheckpointException(file, "metadata '" + CHECKSUM_KEY + "' is not 8 hex digits: '"
                    + expectedChecksum + "'");
        }
        CRC32C crc = new CRC32C();
        crc.update(checksumPrefix(entries, metadata));

        List<Tensor> tensors = new ArrayList<>(entries.size());
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            float[] data = new float[e.size()];
            for (int from = 0; from < data.length; from += CHUNK_BYTES / 4) {
                int count = Math.min(CHUNK_BYTES / 4, data.length - from);
                buffer.clear().limit(count * 4);
                readFully(file, channel, buffer);
                crc.update(buffer.array(), 0, count * 4);
                buffer.flip();
                buffer.asFloatBuffer().get(data, from, count);
            }
            tensors.add(Tensor.of(e.name(), data, e.shape()));
        }
        if (expectedChecksum != null) {
            String actual = String.format("%08x", crc.getValue());
            if (!actual.equals(expectedChecksum)) {
                throw new CheckpointException(file, "checksum mismatch: the file says " + CHECKSUM_KEY + " "
                        + expectedChecksum + " but its contents give " + actual + " (the file is corrupt)");
            }
        }
        return new Contents(Collections.unmodifiableList(tensors), Collections.unmodifiableMap(metadata),
                expectedChecksum != null);
    }

    private static Map<String, Object> parseHeader(Path file, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, "garbled header: not UTF-8", e);
        }
        if (text.charAt(0) != '{') {
            throw new CheckpointException(file, "garbled header: it does not start with '{'");
        }
        try {
            return HeaderJson.parseObject(text);
        } catch (HeaderJson.SyntaxException e) {
            throw new CheckpointException(file, "garbled header: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> metadata(Path file, Object value) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (value == null) {
            return metadata;
        }
        if (!(value instanceof Map)) {
            throw new CheckpointException(file, "garbled header: " + METADATA_KEY + " is "
                    + HeaderJson.typeOf(value) + ", not an object");
        }
        for (Map.Entry<?, ?> m : ((Map<?, ?>) value).entrySet()) {
            if (!(m.getValue() instanceof String)) {
                throw new CheckpointException(file, "garbled header: metadata '" + m.getKey() + "' is "
                        + HeaderJson.typeOf(m.getValue()) + ", not a string");
            }
            metadata.put((String) m.getKey(), (String) m.getValue());
        }
        return metadata;
    }

    /** The header's tensors, sorted by their begin offset (ties, empty tensors, keep header order). */
    private static List<Entry> entries(Path file, Map<String, Object> header) {
        List<Entry> entries = new ArrayList<>(header.size());
        for (Map.Entry<String, Object> h : header.entrySet()) {
            String name = h.getKey();
            if (name.equals(METADATA_KEY)) {
                continue;
            }
            if (name.isEmpty()) {
                throw new CheckpointException(file, "garbled header: a tensor has an empty name");
            }
            if (!(h.getValue() instanceof Map)) {
                throw new CheckpointException(file, "garbled header: tensor '" + name + "' is "
                        + HeaderJson.typeOf(h.getValue()) + ", not an object");
            }
            Map<?, ?> info = (Map<?, ?>) h.getValue();
            for (Object key : info.keySet()) {
                if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                    throw new CheckpointException(file, "garbled header: tensor '" + name + "' has unknown field '"
                            + key + "'");
                }
            }
            Object dtype = info.get("dtype");
            if (!(dtype instanceof String)) {
                throw new CheckpointException(file, "garbled header: tensor '" + name + "' has no dtype string");
            }
            if (!dtype.equals(DTYPE)) {
                throw new CheckpointException(file, "tensor '" + name + "' has dtype " + dtype
                        + "; only " + DTYPE + " (float32) is supported");
            }
            int[] shape = shape(file, name, info.get("shape"));
            long[] offsets = offsets(file, name, info.get("data_offsets"));
            long size = 1;
            for (int d : shape) {
                size *= d;
                if (size > Integer.MAX_VALUE - 8) {
                    throw new CheckpointException(file, "tensor '" + name + "' with shape " + Arrays.toString(shape)
                            + " has too many values for a Java array");
                }
            }
            if (offsets[1] - offsets[0] != 4 * size) {
                throw new CheckpointException(file, "tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " needs " + 4 * size + " bytes but data_offsets " + Arrays.toString(offsets) + " span "
                        + (offsets[1] - offsets[0]));
            }
            entries.add(new Entry(name, shape, (int) size, offsets[0], offsets[1]));
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        return entries;
    }

    private static int[] shape(Path file, String name, Object value) {
        if (!(value instanceof List)) {
            throw new CheckpointException(file, "garbled header: tensor '" + name + "' has no shape array");
        }
        List<?> list = (List<?>) value;
        int[] shape = new int[list.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = list.get(i);
            if (!(d instanceof Long) || (Long) d < 0 || (Long) d > Integer.MAX_VALUE) {
                throw new CheckpointException(file, "garbled header: tensor '" + name + "' has shape " + list
                        + "; dimensions must be integers in [0, " + Integer.MAX_VALUE + "]");
            }
            shape[i] = (int) (long) (Long) d;
        }
        return shape;
    }

    private static long[] offsets(Path file, String name, Object value) {
        if (value instanceof List && ((List<?>) value).size() == 2) {
            List<?> list = (List<?>) value;
            if (list.get(0) instanceof Long && list.get(1) instanceof Long) {
                long begin = (Long) list.get(0);
                long end = (Long) list.get(1);
                if (begin >= 0 && end >= begin) {
                    return new long[] {begin, end};
                }
            }
        }
        throw new CheckpointException(file, "garbled header: tensor '" + name + "' has data_offsets " + value
                + "; they must be [begin, end] with 0 <= begin <= end");
    }

    /** The tensors must tile the data section: from 0, each starting where the previous ended, to its end. */
    private static void checkLayout(Path file, List<Entry> entries, long dataSize) {
        long expectedBegin = 0;
        Entry previous = null;
        for (Entry e : entries) {
            if (e.end() > dataSize) {
                throw new CheckpointException(file, "tensor '" + e.name() + "' has data_offsets [" + e.begin() + ", "
                        + e.end() + "] beyond the data section's " + dataSize + " bytes (truncated?)");
            }
            if (e.begin() < expectedBegin) {
                throw new CheckpointException(file, "tensor '" + e.name() + "' at [" + e.begin() + ", " + e.end()
                        + "] overlaps tensor '" + previous.name() + "' at [" + previous.begin() + ", "
                        + previous.end() + "]");
            }
            if (e.begin() > expectedBegin) {
                throw new CheckpointException(file, "bytes [" + expectedBegin + ", " + e.begin() + ") of the data"
                        + " section belong to no tensor (before tensor '" + e.name() + "')");
            }
            expectedBegin = e.end();
            previous = e;
        }
        if (expectedBegin != dataSize) {
            throw new CheckpointException(file, "the tensors cover " + expectedBegin + " bytes but the data section"
                    + " has " + dataSize + " (trailing bytes or a wrong header length)");
        }
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new CheckpointException(file, "truncated: the file ended at byte " + channel.position()
                        + " while reading it", new EOFException());
            }
        }
    }

    // ---------------------------------------------------------------- checksum

    private static byte[] checksumPrefix(List<Entry> entries, Map<String, String> metadata) {
        Canonical out = new Canonical();
        for (Entry e : entries) {
            out.string(e.name());
            out.string(DTYPE);
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
        return out.toByteArray();
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
