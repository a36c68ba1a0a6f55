package io.github.skrl4j.adam.internal.checkpoint;

import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.CHECKSUM_KEY;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.DTYPE;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.MAX_HEADER_BYTES;
import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.OWN_PREFIX;

import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Tensor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

/**
 * Reads a safetensors file of float32 tensors (the layout {@link SafeTensorsWriter} describes) and
 * checks everything it uses: the header's length against the file's size before allocating it,
 * every tensor's byte range against the data section before allocating its values (a file never
 * makes the reader allocate more than its own size), that the tensors tile the data section, and
 * the {@link ContentChecksum} when the file has one.
 */
final class SafeTensorsReader {

    /** A file's tensors, in data order, and its metadata (without the checksum entry). */
    record Contents(List<Tensor> tensors, Map<String, String> metadata, boolean checksummed) {
    }

    private SafeTensorsReader() {
    }

    /**
     * Reads a file completely and checks it.
     *
     * @param checksumRequired true to refuse a file without {@value CheckpointFormat#CHECKSUM_KEY}; a
     *                         file with metadata keys starting {@value CheckpointFormat#OWN_PREFIX}
     *                         needs one anyway, and a present checksum is always verified
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
        SafeTensorsHeader header = parseHeader(file, headerBytes.array());

        List<TensorEntry> entries = new ArrayList<>(header.tensors());
        for (TensorEntry e : entries) {
            checkEntry(file, e);
        }
        // data order; ties (empty tensors) keep header order
        entries.sort(Comparator.comparingLong(TensorEntry::begin));
        long dataSize = fileSize - 8 - headerLength;
        checkLayout(file, entries, dataSize);

        Map<String, String> metadata = new LinkedHashMap<>(header.metadata());
        String expectedChecksum = metadata.remove(CHECKSUM_KEY);
        // a file of ours always has a checksum: without this, damage to the checksum's key would
        // turn verification off (only files by other writers, such as Python's, go unchecked)
        boolean ours = metadata.keySet().stream().anyMatch(key -> key.startsWith(OWN_PREFIX));
        if (expectedChecksum == null && (checksumRequired || ours)) {
            throw new CheckpointException(file, "missing metadata '" + CHECKSUM_KEY + "'");
        }
        if (expectedChecksum != null && !ContentChecksum.isWellFormed(expectedChecksum)) {
            throw new CheckpointException(file, "metadata '" + CHECKSUM_KEY + "' is not "
                    + ContentChecksum.HEX_DIGITS + " hex digits: '" + expectedChecksum + "'");
        }
        ContentChecksum checksum = new ContentChecksum(entries, metadata);

        List<Tensor> tensors = new ArrayList<>(entries.size());
        int chunk = SafeTensorsWriter.CHUNK_BYTES;
        ByteBuffer buffer = ByteBuffer.allocate(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (TensorEntry e : entries) {
            float[] data = new float[(int) e.valueCount()];
            for (int from = 0; from < data.length; from += chunk / 4) {
                int count = Math.min(chunk / 4, data.length - from);
                buffer.clear().limit(count * 4);
                readFully(file, channel, buffer);
                checksum.update(buffer.array(), 0, count * 4);
                buffer.flip();
                buffer.asFloatBuffer().get(data, from, count);
            }
            tensors.add(Tensor.of(e.name(), data, e.shape()));
        }
        if (expectedChecksum != null) {
            String actual = checksum.hex();
            if (!actual.equals(expectedChecksum)) {
                throw new CheckpointException(file, "checksum mismatch: the file says " + CHECKSUM_KEY + " "
                        + expectedChecksum + " but its contents give " + actual + " (the file is corrupt)");
            }
        }
        return new Contents(Collections.unmodifiableList(tensors), Collections.unmodifiableMap(metadata),
                expectedChecksum != null);
    }

    private static SafeTensorsHeader parseHeader(Path file, byte[] bytes) {
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
            return HeaderJson.parse(text);
        } catch (MalformedHeaderException e) {
            throw new CheckpointException(file, "garbled header: " + e.getMessage(), e);
        }
    }

    /** A float32 tensor whose values fit a Java array and exactly fill its byte range. */
    private static void checkEntry(Path file, TensorEntry e) {
        if (!e.dtype().equals(DTYPE)) {
            throw new CheckpointException(file, "tensor '" + e.name() + "' has dtype " + e.dtype()
                    + "; only " + DTYPE + " (float32) is supported");
        }
        long size = e.valueCount();
        if (size > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(file, "tensor '" + e.name() + "' with shape " + Arrays.toString(e.shape())
                    + " has too many values for a Java array");
        }
        if (e.end() - e.begin() != 4 * size) {
            throw new CheckpointException(file, "tensor '" + e.name() + "': shape " + Arrays.toString(e.shape())
                    + " needs " + 4 * size + " bytes but data_offsets [" + e.begin() + ", " + e.end() + "] span "
                    + (e.end() - e.begin()));
        }
    }

    /** The tensors must tile the data section: from 0, each starting where the previous ended, to its end. */
    private static void checkLayout(Path file, List<TensorEntry> entries, long dataSize) {
        long expectedBegin = 0;
        TensorEntry previous = null;
        for (TensorEntry e : entries) {
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
}
