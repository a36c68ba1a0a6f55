package io.github.skrl4j.adam.internal.checkpoint;

import java.util.HashSet;
import java.util.Set;

/**
 * A strict, bounded JSON reader for a safetensors header, without a JSON library (adam-core has no
 * run-time dependency): a cursor over the header's text that checks the syntax as it moves.
 * {@link HeaderJson} drives it through the header's schema; it knows nothing of that schema.
 *
 * <p>Bounds come before allocation. The text itself is already bounded: {@link SafeTensorsReader}
 * checks the header's length against the file's size and {@link CheckpointFormat#MAX_HEADER_BYTES}
 * before it reads a byte of it. Here, nothing is allocated but what the text holds (a string's
 * characters, an object's keys), and the depth of a value that is read through is checked before
 * each level is entered, so that no header takes more than {@value #MAX_DEPTH} levels of the stack.
 *
 * <p>Strict, because a header never holds what a corrupt one might: it refuses fractions and
 * exponents (a header holds integers only), leading zeros, integers outside a {@code long},
 * duplicate keys, control characters, unknown escapes and lone surrogates in a string, and any
 * character where a value, a {@code ','} or a closing bracket belongs. Every refusal is a
 * {@link MalformedHeaderException} that names the character position where it happened.
 */
final class StrictJsonReader {

    /** A header is four levels deep ({@code {"t": {"shape": [..]}}}); more is garbage or an attack on the stack. */
    static final int MAX_DEPTH = 16;

    /** Reads the value that starts at the current position (after whitespace). */
    @FunctionalInterface
    interface ValueReader {
        void read() throws MalformedHeaderException;
    }

    /** Reads the value of an object's member {@code key}, which starts at the current position. */
    @FunctionalInterface
    interface MemberReader {
        void read(String key) throws MalformedHeaderException;
    }

    private final String text;
    /**
     * Where reading stands: the index of the next character. {@link HeaderJson} notes it where a value
     * starts and sets it back there, so that an error about the value points at its start.
     */
    int pos;

    StrictJsonReader(String text) {
        this.text = text;
    }

    /** Checks the syntax of any value and moves past it. */
    void skipValue(int depth) throws MalformedHeaderException {
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
    void object(MemberReader member) throws MalformedHeaderException {
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

    /** Reads an array: each element through {@code element}. */
    void array(ValueReader element) throws MalformedHeaderException {
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

    /**
     * Reads a string to its value, escapes resolved; refuses control characters, unknown escapes and
     * lone surrogates.
     */
    String string() throws MalformedHeaderException {
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

    static boolean isNumberStart(int c) {
        return c == '-' || (c >= '0' && c <= '9');
    }

    /** Reads an integer that fits a {@code long}; refuses a fraction, an exponent and a leading zero. */
    long integer() throws MalformedHeaderException {
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

    /** Moves past JSON whitespace (space, tab, newline, carriage return). */
    void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** The next character without moving past it; -1 at the end of the text. */
    int peek() {
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

    /** A refusal: {@code problem}, at the current position. */
    MalformedHeaderException error(String problem) {
        return new MalformedHeaderException(problem + " at character " + pos + " of the header");
    }

    // ---------------------------------------------------------------- for messages

    /** The type of the value at the current position, told by its first character; for a message. */
    String typeAt() {
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
    String excerpt(int start) {
        String s = text.substring(start, pos);
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
