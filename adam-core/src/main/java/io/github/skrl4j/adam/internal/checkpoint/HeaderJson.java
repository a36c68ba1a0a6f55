package io.github.skrl4j.adam.internal.checkpoint;

import static io.github.skrl4j.adam.internal.checkpoint.CheckpointFormat.METADATA_KEY;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of a safetensors header, without a JSON library (adam-core has no run-time dependency).
 *
 * <p>{@link #parse(String)} reads the header's schema directly into a {@link SafeTensorsHeader}:
 * {@value CheckpointFormat#METADATA_KEY} as an object of strings, every other key as a tensor with
 * {@code dtype} (a string), {@code shape} (integers in {@code [0, 2^31 - 1]}) and
 * {@code data_offsets} ({@code [begin, end]}, {@code 0 <= begin <= end}). It refuses what a header
 * never holds and a corrupt one might: fractions and exponents, duplicate keys, lone surrogates,
 * unknown tensor fields, and anything after the top-level object but whitespace. A value of the
 * wrong type is read through (its syntax checked, nesting limited to {@value #MAX_DEPTH} levels)
 * before it is refused, so that the message names its type.
 *
 * <p>{@link #write(Map, List)} writes the compact form that Python's {@code safetensors} writes.
 */
final class HeaderJson {

    /** A header is four levels deep ({@code {"t": {"shape": [..]}}}); more is garbage or an attack on the stack. */
    static final int MAX_DEPTH = 16;

    /** Reads the value that starts at the current position (after whitespace). */
    @FunctionalInterface
    private interface ValueReader {
        void read() throws MalformedHeaderException;
    }

    /** Reads the value of an object's member {@code key}, which starts at the current position. */
    @FunctionalInterface
    private interface MemberReader {
        void read(String key) throws MalformedHeaderException;
    }

    // nesting depths of the schema: the header object, its members, a tensor's fields
    private static final int MEMBER_DEPTH = 2;
    private static final int FIELD_DEPTH = 3;

    private final String text;
    private int pos;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<TensorEntry> tensors = new ArrayList<>();

    private HeaderJson(String text) {
        this.text = text;
    }

    /** Parses {@code text}, which must be one header object followed by nothing but whitespace. */
    static SafeTensorsHeader parse(String text) throws MalformedHeaderException {
        HeaderJson parser = new HeaderJson(text);
        parser.skipWhitespace();
        parser.object(parser::member);
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected content after the header object");
        }
        return new SafeTensorsHeader(parser.metadata, parser.tensors);
    }

    private void member(String key) throws MalformedHeaderException {
        if (key.equals(METADATA_KEY)) {
            if (peek() != '{') {
                throw wrongType(METADATA_KEY + " is ", "an object", MEMBER_DEPTH);
            }
            object(this::metadataEntry);
        } else {
            tensors.add(tensor(key));
        }
    }

    private void metadataEntry(String key) throws MalformedHeaderException {
        if (peek() != '"') {
            throw wrongType("metadata '" + key + "' is ", "a string", FIELD_DEPTH);
        }
        metadata.put(key, string());
    }

    /** A tensor's fields as they are read, in any order. */
    private static final class TensorFields {
        @Nullable String dtype;
        int @Nullable [] shape;
        long @Nullable [] offsets;
    }

    private TensorEntry tensor(String name) throws MalformedHeaderException {
        if (name.isEmpty()) {
            throw error("a tensor has an empty name");
        }
        if (peek() != '{') {
            throw wrongType("tensor '" + name + "' is ", "an object", MEMBER_DEPTH);
        }
        int start = pos;
        TensorFields fields = new TensorFields();
        object(field -> {
            switch (field) {
                case "dtype":
                    if (peek() != '"') {
                        throw wrongType("tensor '" + name + "' has a dtype that is ", "a string", FIELD_DEPTH);
                    }
                    fields.dtype = string();
                    break;
                case "shape":
                    fields.shape = shape(name);
                    break;
                case "data_offsets":
                    fields.offsets = offsets(name);
                    break;
                default:
                    throw error("tensor '" + name + "' has unknown field '" + field + "'");
            }
        });
        String missing = fields.dtype == null ? "dtype" : fields.shape == null ? "shape"
                : fields.offsets == null ? "data_offsets" : null;
        if (missing != null) {
            pos = start;
            throw error("tensor '" + name + "' has no " + missing);
        }
        return new TensorEntry(name, fields.dtype, fields.shape, fields.offsets[0], fields.offsets[1]);
    }

    private int[] shape(String name) throws MalformedHeaderException {
        int start = pos;
        long[] dims = integers();
        if (dims != null && Arrays.stream(dims).allMatch(d -> d >= 0 && d <= Integer.MAX_VALUE)) {
            int[] shape = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                shape[i] = (int) dims[i];
            }
            return shape;
        }
        String found = excerpt(start);
        pos = start;
        throw error("tensor '" + name + "' has shape " + found + "; dimensions must be integers in [0, "
                + Integer.MAX_VALUE + "]");
    }

    private long[] offsets(String name) throws MalformedHeaderException {
        int start = pos;
        long[] offsets = integers();
        if (offsets != null && offsets.length == 2 && offsets[0] >= 0 && offsets[1] >= offsets[0]) {
            return offsets;
        }
        String found = excerpt(start);
        pos = start;
        throw error("tensor '" + name + "' has data_offsets " + found
                + "; they must be [begin, end] with 0 <= begin <= end");
    }

    /** An array of integers; null (the value read through, its syntax checked) for any other value. */
    private long @Nullable [] integers() throws MalformedHeaderException {
        if (peek() != '[') {
            skipValue(FIELD_DEPTH);
            return null;
        }
        List<Long> values = new ArrayList<>();
        boolean[] other = {false};
        array(() -> {
            if (isNumberStart(peek())) {
                values.add(integer());
            } else {
                skipValue(FIELD_DEPTH + 1);
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
        int start = pos;
        String found = typeAt();
        skipValue(depth);
        pos = start;
        return error(subject + found + ", not " + expected);
    }

    private String typeAt() {
        switch (peek()) {
            case '{':
                return "an object";
            case '[':
                return "an array";
            case '"':
                return "a string";
            case 't':
            case 'f':
                return "a boolean";
            case 'n':
                return "null";
            default:
                return "a number";
        }
    }

    /** The JSON text from {@code start} to the current position, shortened for a message. */
    private String excerpt(int start) {
        String s = text.substring(start, pos);
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    // ---------------------------------------------------------------- JSON syntax

    /** Checks the syntax of any value and moves past it. */
    private void skipValue(int depth) throws MalformedHeaderException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        skipWhitespace();
        int c = peek();
        switch (c) {
            case '{':
                object(key -> skipValue(depth + 1));
                return;
            case '[':
                array(() -> skipValue(depth + 1));
                return;
            case '"':
                string();
                return;
            case 't':
                literal("true");
                return;
            case 'f':
                literal("false");
                return;
            case 'n':
                literal("null");
                return;
            default:
                if (isNumberStart(c)) {
                    integer();
                    return;
                }
                throw error(c < 0 ? "unexpected end" : "unexpected character '" + (char) c + "'");
        }
    }

    /** Reads an object: each member's key (duplicates refused), then its value through {@code member}. */
    private void object(MemberReader member) throws MalformedHeaderException {
        expect('{');
        Set<String> keys = new HashSet<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            int keyPos = pos;
            String key = string();
            if (!keys.add(key)) {
                pos = keyPos;
                throw error("duplicate key \"" + key + "\"");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            member.read(key);
            skipWhitespace();
            int c = next();
            if (c == '}') {
                return;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private void array(ValueReader element) throws MalformedHeaderException {
        expect('[');
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            skipWhitespace();
            element.read();
            skipWhitespace();
            int c = next();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws MalformedHeaderException {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = next();
            if (c < 0) {
                throw error("unterminated string");
            }
            if (c == '"') {
                break;
            }
            if (c < 0x20) {
                pos--;
                throw error("control character in a string");
            }
            if (c == '\\') {
                int e = next();
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': sb.append(hex4()); break;
                    default:
                        pos--;
                        throw error("invalid escape");
                }
            } else {
                sb.append((char) c);
            }
        }
        String s = sb.toString();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                throw error("lone surrogate \\u" + Integer.toHexString(ch) + " in a string");
            }
        }
        return s;
    }

    private char hex4() throws MalformedHeaderException {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) {
                throw error("invalid \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private static boolean isNumberStart(int c) {
        return c == '-' || (c >= '0' && c <= '9');
    }

    private long integer() throws MalformedHeaderException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int digitsStart = pos;
        while (peek() >= '0' && peek() <= '9') {
            pos++;
        }
        if (pos == digitsStart) {
            throw error("expected a digit");
        }
        if (text.charAt(digitsStart) == '0' && pos - digitsStart > 1) {
            pos = digitsStart;
            throw error("leading zero in a number");
        }
        int c = peek();
        if (c == '.' || c == 'e' || c == 'E') {
            throw error("only integers are expected in a safetensors header");
        }
        try {
            return Long.parseLong(text.substring(start, pos));
        } catch (NumberFormatException e) {
            pos = start;
            throw error("number out of range");
        }
    }

    private void literal(String word) throws MalformedHeaderException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected character '" + text.charAt(pos) + "'");
        }
        pos += word.length();
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private int next() {
        return pos < text.length() ? text.charAt(pos++) : -1;
    }

    private void expect(char c) throws MalformedHeaderException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private MalformedHeaderException error(String problem) {
        return new MalformedHeaderException(problem + " at character " + pos + " of the header");
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
