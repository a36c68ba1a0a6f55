package io.github.skrl4j.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Starts JVMs of its own ({@link TestTags#CHILD_JVM}): crash loops, batch-mode exits, replicas in separate processes.
 * Left out by {@code ./mvnw -B verify -Pfast}; {@code ./mvnw -B verify} runs it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(TestTags.CHILD_JVM)
public @interface ChildJvm {
}
