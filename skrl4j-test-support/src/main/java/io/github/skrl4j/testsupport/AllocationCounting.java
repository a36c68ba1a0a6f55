package io.github.skrl4j.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Counts the bytes a thread allocates ({@link TestTags#ALLOCATION}): the result depends on a quiet JIT and on HotSpot's per-thread allocation counters.
 * Left out by {@code ./mvnw -B verify -Pfast}; {@code ./mvnw -B verify} runs it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(TestTags.ALLOCATION)
public @interface AllocationCounting {
}
