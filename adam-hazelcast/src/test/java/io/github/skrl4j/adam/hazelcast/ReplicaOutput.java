package io.github.skrl4j.adam.hazelcast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What a {@link ReformingReplicaProcess} printed, read line by line while it runs. */
final class ReplicaOutput {

    private ReplicaOutput() {
    }

    /** Adds every line {@code child} prints to {@code lines} until it ends (so that it never blocks on a full pipe). */
    static void read(Process child, List<String> lines) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("FAILED reading: " + e);
        }
    }

    /** The last of {@code lines} that starts with {@code prefix}, or {@code null}. */
    static @Nullable String last(List<String> lines, String prefix) {
        String found = null;
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                found = l;
            }
        }
        return found;
    }
}
