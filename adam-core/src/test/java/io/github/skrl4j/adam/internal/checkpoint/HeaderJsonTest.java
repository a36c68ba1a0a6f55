package io.github.skrl4j.adam.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The header parser yields the metadata and typed tensor entries, and names what is wrong with a header. */
class HeaderJsonTest {

    @Test
    void readsMetadataAndEntriesInFileOrder() throws Exception {
        SafeTensorsHeader header = HeaderJson.parse("{\"b\":{\"shape\":[2,3],\"data_offsets\":[4,28],\"dtype\":\"F32\"},"
                + " \"__metadata__\": {\"z\": \"last\", \"a\": \"\\u00e9\\n\"},\n"
                + "\"a\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[0,4]}}  ");

        assertThat(header.metadata()).containsExactly(Map.entry("z", "last"), Map.entry("a", "é\n"));
        List<TensorEntry> tensors = header.tensors();
        assertThat(tensors).extracting(TensorEntry::name).containsExactly("b", "a");
        assertThat(tensors.get(0).dtype()).isEqualTo("F32");
        assertThat(tensors.get(0).shape()).containsExactly(2, 3);
        assertThat(tensors.get(0).begin()).isEqualTo(4);
        assertThat(tensors.get(0).end()).isEqualTo(28);
        assertThat(tensors.get(0).valueCount()).isEqualTo(6);
        assertThat(tensors.get(1).dtype()).isEqualTo("F16");
        assertThat(tensors.get(1).shape()).isEmpty();
        assertThat(tensors.get(1).valueCount()).isEqualTo(1);
    }

    @Test
    void writesWhatItReads() throws Exception {
        Map<String, String> metadata = Map.of("k", "quote \" backslash \\ tab \t");
        List<TensorEntry> entries = List.of(new TensorEntry("ünï/\"x\"", "F32", new int[] {3, 0}, 0, 0),
                new TensorEntry("s", "F32", new int[0], 0, 4));
        String json = HeaderJson.write(metadata, entries);
        assertThat(json).isEqualTo("{\"__metadata__\":{\"k\":\"quote \\\" backslash \\\\ tab \\u0009\"},"
                + "\"ünï/\\\"x\\\"\":{\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[0,0]},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}");

        SafeTensorsHeader read = HeaderJson.parse(json);
        assertThat(read.metadata()).isEqualTo(metadata);
        assertThat(read.tensors()).extracting(TensorEntry::name).containsExactly("ünï/\"x\"", "s");
        assertThat(read.tensors().get(0).shape()).containsExactly(3, 0);
    }

    @Test
    void namesAValueOfTheWrongTypeByItsType() {
        assertRefused("{\"__metadata__\":{\"k\":{\"nested\":[true,null]}}}", "metadata 'k' is an object, not a string");
        assertRefused("{\"__metadata__\":null}", "__metadata__ is null, not an object");
        assertRefused("{\"t\":\"F32\"}", "tensor 't' is a string, not an object");
        assertRefused("{\"t\":{\"dtype\":false,\"shape\":[],\"data_offsets\":[0,4]}}",
                "tensor 't' has a dtype that is a boolean, not a string");
    }

    @Test
    void namesAMissingOrMalformedField() {
        assertRefused("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "tensor 't' has no shape");
        assertRefused("{\"t\":{\"dtype\":\"F32\",\"shape\":[]}}", "tensor 't' has no data_offsets");
        assertRefused("{\"t\":{\"dtype\":\"F32\",\"shape\":[2147483648],\"data_offsets\":[0,4]}}",
                "tensor 't' has shape [2147483648]; dimensions must be integers in [0, 2147483647]");
        assertRefused("{\"t\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,4]}}",
                "tensor 't' has shape [\"2\"]");
        assertRefused("{\"t\":{\"dtype\":\"F32\",\"shape\":{},\"data_offsets\":[0,4]}}", "tensor 't' has shape {}");
        assertRefused("{\"t\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4,8]}}",
                "tensor 't' has data_offsets [0,4,8]; they must be [begin, end] with 0 <= begin <= end");
        assertRefused("{\"t\":{\"dtype\":\"F32\",\"dtype\":\"F32\"}}", "duplicate key \"dtype\"");
    }

    @Test
    void aSyntaxErrorInsideAValueOfTheWrongTypeIsReportedAsSuch() {
        assertRefused("{\"__metadata__\":{\"k\":[1,2}}", "expected ',' or ']'");
        assertRefused("{\"t\":{\"dtype\":\"F32\",\"shape\":[1e3],\"data_offsets\":[0,4]}}", "only integers");
        assertRefused("{\"t\":[" + "[".repeat(50) + "]".repeat(50) + "]}", "nesting deeper than 16");
    }

    @Test
    void refusesAnythingButWhitespaceAfterTheObject() {
        assertRefused("{}{}", "unexpected content after the header object at character 2");
        assertRefused("{", "expected a string key");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> HeaderJson.parse(json))
                .isInstanceOf(MalformedHeaderException.class)
                .hasMessageContaining(message)
                .hasMessageContaining(" of the header");
    }
}
