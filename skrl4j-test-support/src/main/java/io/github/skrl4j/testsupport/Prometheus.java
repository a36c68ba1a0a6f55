package io.github.skrl4j.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Runs Debian's {@code prometheus} or {@code promtool} ({@link TestTags#PROMETHEUS}), which must be installed.
 * Left out by {@code ./mvnw -B verify -Pfast}; {@code ./mvnw -B verify} runs it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(TestTags.PROMETHEUS)
public @interface Prometheus {
}
