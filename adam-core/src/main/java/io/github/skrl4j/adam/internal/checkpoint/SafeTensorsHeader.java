package io.github.skrl4j.adam.internal.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors header as values: the string metadata (in file order, with the checksum entry when
 * the file has one) and the tensor entries (in header order).
 */
record SafeTensorsHeader(Map<String, String> metadata, List<TensorEntry> tensors) {

    SafeTensorsHeader {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = List.copyOf(tensors);
    }
}
