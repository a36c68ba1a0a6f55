package io.github.skrl4j.adam.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The header's JSON syntax on its own: what the reader accepts, what it refuses, and the position it
 * names (the schema on top of it is {@link HeaderJsonTest}'s).
 */
class StrictJsonReaderTest {

    @Test
    void readsAStringWithEveryEscapeAndStopsAfterIt() throws Exception {
        StrictJsonReader json = new StrictJsonReader("\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\" rest");

        assertThat(json.string()).isEqualTo("q\"b\\s/\b\f\n\r\té\ud83d\ude00");
        assertThat(json.pos).isEqualTo(39);
        assertThat(json.peek()).isEqualTo(' ');
    }

    @Test
    void refusesWhatAStringMustNotHold() {
        assertRefused("\"a\u0001\"", StrictJsonReader::string, "control character in a string at character 2");
        assertRefused("\"a\\x\"", StrictJsonReader::string, "invalid escape at character 3");
        assertRefused("\"\\u12\"", StrictJsonReader::string, "truncated \\u escape at character 3");
        assertRefused("\"\\u12g4\"", StrictJsonReader::string, "invalid \\u escape at character 3");
        assertRefused("\"\\ud800\"", StrictJsonReader::string, "lone surrogate \\ud800 in a string at character 8");
        assertRefused("\"\\udc00\\ud800\"", StrictJsonReader::string,
                "lone surrogate \\udc00 in a string at character 14");
        assertRefused("\"abc", StrictJsonReader::string, "unterminated string at character 4");
    }

    @Test
    void readsIntegersThatFitALong() throws Exception {
        assertThat(new StrictJsonReader("-12,").integer()).isEqualTo(-12);
        assertThat(new StrictJsonReader("0]").integer()).isZero();
        assertThat(new StrictJsonReader("9223372036854775807").integer()).isEqualTo(Long.MAX_VALUE);
        assertThat(new StrictJsonReader("-9223372036854775808").integer()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void refusesEveryOtherNumber() {
        assertRefused("01", StrictJsonReader::integer, "leading zero in a number at character 0");
        assertRefused("-01", StrictJsonReader::integer, "leading zero in a number at character 1");
        assertRefused("1.5", StrictJsonReader::integer,
                "only integers are expected in a safetensors header at character 1");
        assertRefused("2e3", StrictJsonReader::integer,
                "only integers are expected in a safetensors header at character 1");
        assertRefused("-", StrictJsonReader::integer, "expected a digit at character 1");
        assertRefused("9223372036854775808", StrictJsonReader::integer, "number out of range at character 0");
    }

    @Test
    void skipsAnyValueItsSyntaxChecked() throws Exception {
        StrictJsonReader json = new StrictJsonReader(" {\"a\":[true,false,null,\"x\",-1,{}],\"b\":{}} ,");

        json.skipValue(1);

        assertThat(json.pos).isEqualTo(41);
        assertRefused("[true,nul]", r -> r.skipValue(1), "unexpected character 'n' at character 6");
        assertRefused("[1,]", r -> r.skipValue(1), "unexpected character ']' at character 3");
        assertRefused("", r -> r.skipValue(1), "unexpected end at character 0");
    }

    @Test
    void limitsTheNestingOfASkippedValueBeforeEnteringIt() throws Exception {
        int max = StrictJsonReader.MAX_DEPTH;
        StrictJsonReader deepest = new StrictJsonReader("[".repeat(max) + "]".repeat(max));
        deepest.skipValue(1);
        assertThat(deepest.pos).isEqualTo(2 * max);

        assertRefused("[".repeat(max + 1) + "]".repeat(max + 1), r -> r.skipValue(1),
                "nesting deeper than 16 at character 16");
    }

    @Test
    void readsAnObjectsMembersInOrderAndRefusesADuplicateKey() throws Exception {
        StrictJsonReader json = new StrictJsonReader("{ \"b\" : 1 , \"a\":[2]}");
        List<String> keys = new ArrayList<>();

        json.object(key -> {
            keys.add(key);
            json.skipValue(2);
        });

        assertThat(keys).containsExactly("b", "a");
        assertThat(json.pos).isEqualTo(20);
        assertRefused("{\"a\":1,\"a\":2}", r -> r.object(key -> r.skipValue(2)),
                "duplicate key \"a\" at character 7");
    }

    @Test
    void namesWhatIsMissingInAnObjectOrAnArray() {
        assertRefused("{a:1}", r -> r.object(key -> r.skipValue(2)), "expected a string key at character 1");
        assertRefused("{\"a\" 1}", r -> r.object(key -> r.skipValue(2)), "expected ':' at character 5");
        assertRefused("{\"a\":1;", r -> r.object(key -> r.skipValue(2)), "expected ',' or '}' at character 6");
        assertRefused("[1 2]", r -> r.array(() -> r.skipValue(2)), "expected ',' or ']' at character 3");
        assertRefused("1", r -> r.array(() -> r.skipValue(2)), "expected '[' at character 0");
    }

    @Test
    void namesAValuesTypeAndQuotesItShortForAMessage() throws Exception {
        assertThat(List.of("{}", "[]", "\"s\"", "true", "false", "null", "-1"))
                .map(text -> new StrictJsonReader(text).typeAt())
                .containsExactly("an object", "an array", "a string", "a boolean", "a boolean", "null", "a number");

        String longArray = "[" + "1,".repeat(30) + "1]";
        StrictJsonReader json = new StrictJsonReader(longArray);
        json.skipValue(1);
        assertThat(json.excerpt(0)).isEqualTo(longArray.substring(0, 40) + "...");
        assertThat(json.excerpt(longArray.length() - 2)).isEqualTo("1]");
    }

    /** Reads {@code text} with {@code read}; a refusal names the problem and its position in the header. */
    @FunctionalInterface
    private interface Read {
        void from(StrictJsonReader json) throws Exception;
    }

    private static void assertRefused(String text, Read read, String message) {
        StrictJsonReader json = new StrictJsonReader(text);
        assertThatThrownBy(() -> read.from(json))
                .isInstanceOf(MalformedHeaderException.class)
                .hasMessage(message + " of the header");
    }
}
