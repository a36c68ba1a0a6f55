package io.github.skrl4j.sample.web;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that run the whole application on a random port: each test class gets its own
 * checkpoint folder, so that no run resumes from another's checkpoints.
 */
abstract class RunningApplicationTest {

    @TempDir
    static Path checkpoints;

    @DynamicPropertySource
    static void checkpointDir(DynamicPropertyRegistry registry) {
        registry.add("sample.training.checkpoint-dir", () -> checkpoints.toString());
    }
}
