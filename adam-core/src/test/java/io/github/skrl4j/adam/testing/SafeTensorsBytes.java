package io.github.skrl4j.adam.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Assembles safetensors files byte by byte, as Python's {@code safetensors} lays them out. Public
 * for the checkpoint codec's own tests (package internal.checkpoint).
 */
public final class SafeTensorsBytes {

    private SafeTensorsBytes() {
    }

    /** 8-byte little-endian length, the header padded with spaces to a multiple of 8, the data. */
    public static byte[] file(String headerJson, byte[] data) {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(littleEndianLong(padded));
        out.writeBytes(header);
        for (int i = header.length; i < padded; i++) {
            out.write(' ');
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** A file whose header length field says {@code declaredLength}, whatever follows. */
    public static byte[] rawFile(long declaredLength, byte[] rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(littleEndianLong(declaredLength));
        out.writeBytes(rest);
        return out.toByteArray();
    }

    public static byte[] littleEndianLong(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    /** float32 values as little-endian bytes. */
    public static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The header's JSON text of a file (without padding). */
    public static String header(byte[] file) {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(file, 8, (int) n, StandardCharsets.UTF_8).stripTrailing();
    }

    /** The data section of a file. */
    public static byte[] data(byte[] file) {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] data = new byte[file.length - 8 - (int) n];
        System.arraycopy(file, 8 + (int) n, data, 0, data.length);
        return data;
    }
}
