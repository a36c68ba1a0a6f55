package io.github.skrl4j.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Drives a headless Chromium ({@link TestTags#BROWSER}); needs Debian's {@code chromium} and {@code chromium-driver}.
 * Left out by {@code ./mvnw -B verify -Pfast}; {@code ./mvnw -B verify} runs it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(TestTags.BROWSER)
public @interface Browser {
}
