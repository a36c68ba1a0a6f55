package io.github.skrl4j.adam.internal.checkpoint;

import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.METADATA_KEY;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of a safetensors header, both ways: its schema read on top of a {@link StrictJsonReader},
 * which checks the syntax, and its compact form written.
 *
 * <p>{@link #parse(String)} reads the schema directly into a {@link SafeTensorsHeader}, with no tree
 * of JSON values in between: {@value CheckpointFormat#METADATA_KEY} as an object of strings, every
 * other key as a tensor with {@code dtype} (a string), {@code shape} (integers in
 * {@code [0, 2^31 - 1]}) and {@code data_offsets} ({@code [begin, end]}, {@code 0 <= begin <= end}).
 * Beyond what the reader refuses (bad syntax, fractions and exponents, duplicate keys, lone
 * surrogates, deep nesting), it refuses a tensor with an empty name, an unknown or a missing tensor
 * field, and anything after the top-level object but whitespace. A shape's dimensions are checked
 * against an {@code int} before its array is made. A value of the wrong type is read through (its
 * syntax checked, nesting limited to {@value StrictJsonReader#MAX_DEPTH} levels) before it is
 * refused, so that the message names its type.
 *
 * <p>{@link #write(Map, List)} writes the compact form that Python's {@code safetensors} writes;
 * {@link #quote(String)}, its string literal, also gives {@link SafeTensorsWriter} the header's fixed start.
 */
final class HeaderJson {

    // nesting depths of the schema: the header object, its members, a tensor's fields
    private static final int MEMBER_DEPTH = 2;
    private static final int FIELD_DEPTH = 3;

    private final StrictJsonReader json;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<TensorEntry> tensors = new ArrayList<>();

    private HeaderJson(String text) {
        this.json = new StrictJsonReader(text);
    }

    /** Parses {@code text}, which must be one header object followed by nothing but whitespace. */
    static SafeTensorsHeader parse(String text) throws MalformedHeaderException {
        HeaderJson parser = new HeaderJson(text);
        parser.json.skipWhitespace();
        parser.json.object(parser::member);
        parser.json.skipWhitespace();
        if (parser.json.pos != text.length()) {
            throw parser.json.error("unexpected content after the header object");
        }
        return new SafeTensorsHeader(parser.metadata, parser.tensors);
    }

    private void member(String key) throws MalformedHeaderException {
        if (key.equals(METADATA_KEY)) {
            if (json.peek() != '{') {
                throw wrongType(METADATA_KEY + " is ", "an object", MEMBER_DEPTH);
            }
            json.object(this::metadataEntry);
        } else {
            tensors.add(tensor(key));
        }
    }

    private void metadataEntry(String key) throws MalformedHeaderException {
        if (json.peek() != '"') {
            throw wrongType("metadata '" + key + "' is ", "a string", FIELD_DEPTH);
        }
        metadata.put(key, json.string());
    }

    /** A tensor's fields as they are read, in any order. */
    private static final class TensorFields {
        @Nullable String dtype;
        int @Nullable [] shape;
        long @Nullable [] offsets;
    }

    private TensorEntry tensor(String name) throws MalformedHeaderException {
        if (name.isEmpty()) {
            throw json.error("a tensor has an empty name");
        }
        if (json.peek() != '{') {
            throw wrongType("tensor '" + name + "' is ", "an object", MEMBER_DEPTH);
        }
        int start = json.pos;
        TensorFields fields = new TensorFields();
        json.object(field -> {
            switch (field) {
                case "dtype":
                    if (json.peek() != '"') {
                        throw wrongType("tensor '" + name + "' has a dtype that is ", "a string", FIELD_DEPTH);
                    }
                    fields.dtype = json.string();
                    break;
                case "shape":
                    fields.shape = shape(name);
                    break;
                case "data_offsets":
                    fields.offsets = offsets(name);
                    break;
                default:
                    throw json.error("tensor '" + name + "' has unknown field '" + field + "'");
            }
        });
        String missing = fields.dtype == null ? "dtype" : fields.shape == null ? "shape"
                : fields.offsets == null ? "data_offsets" : null;
        if (missing != null) {
            json.pos = start;
            throw json.error("tensor '" + name + "' has no " + missing);
        }
        return new TensorEntry(name, fields.dtype, fields.shape, fields.offsets[0], fields.offsets[1]);
    }

    private int[] shape(String name) throws MalformedHeaderException {
        int start = json.pos;
        long[] dims = integers();
        if (dims != null && Arrays.stream(dims).allMatch(d -> d >= 0 && d <= Integer.MAX_VALUE)) {
            int[] shape = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                shape[i] = (int) dims[i];
            }
            return shape;
        }
        String found = json.excerpt(start);
        json.pos = start;
        throw json.error("tensor '" + name + "' has shape " + found + "; dimensions must be integers in [0, "
                + Integer.MAX_VALUE + "]");
    }

    private long[] offsets(String name) throws MalformedHeaderException {
        int start = json.pos;
        long[] offsets = integers();
        if (offsets != null && offsets.length == 2 && offsets[0] >= 0 && offsets[1] >= offsets[0]) {
            return offsets;
        }
        String found = json.excerpt(start);
        json.pos = start;
        throw json.error("tensor '" + name + "' has data_offsets " + found
                + "; they must be [begin, end] with 0 <= begin <= end");
    }

    /** An array of integers; null (the value read through, its syntax checked) for any other value. */
    private long @Nullable [] integers() throws MalformedHeaderException {
        if (json.peek() != '[') {
            json.skipValue(FIELD_DEPTH);
            return null;
        }
        List<Long> values = new ArrayList<>();
        boolean[] other = {false};
        json.array(() -> {
            if (StrictJsonReader.isNumberStart(json.peek())) {
                values.add(json.integer());
            } else {
                json.skipValue(FIELD_DEPTH + 1);
                other[0] = true;
            }
        });
        if (other[0]) {
            return null;
        }
        long[] result = new long[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    /**
     * Refuses the value at the current position, which has another type than {@code expected}: reads
     * it through first, so that a syntax error inside it is reported as such.
     */
    private MalformedHeaderException wrongType(String subject, String expected, int depth)
            throws MalformedHeaderException {
        int start = json.pos;
        String found = json.typeAt();
        json.skipValue(depth);
        json.pos = start;
        return json.error(subject + found + ", not " + expected);
    }

    // ---------------------------------------------------------------- writing

    /**
     * The compact header: {@value CheckpointFormat#METADATA_KEY} first (entries in map order), then
     * the tensors in list order.
     */
    static String write(Map<String, String> metadata, List<TensorEntry> tensors) {
        StringBuilder json = new StringBuilder("{").append(quote(METADATA_KEY)).append(":{");
        String separator = "";
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            json.append(separator).append(quote(m.getKey())).append(':').append(quote(m.getValue()));
            separator = ",";
        }
        json.append('}');
        for (TensorEntry e : tensors) {
            json.append(',').append(quote(e.name())).append(":{\"dtype\":").append(quote(e.dtype()))
                    .append(",\"shape\":[");
            for (int i = 0; i < e.shape().length; i++) {
                json.append(i == 0 ? "" : ",").append(e.shape()[i]);
            }
            json.append("],\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
        }
        return json.append('}').toString();
    }

    /** {@code s} as a JSON string literal; characters outside ASCII stay as they are (the header is UTF-8). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
