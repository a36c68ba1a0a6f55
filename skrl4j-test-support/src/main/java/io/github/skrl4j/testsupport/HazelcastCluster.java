package io.github.skrl4j.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Forms Hazelcast clusters on loopback ({@link TestTags#CLUSTER}), in this JVM or across JVMs.
 * Left out by {@code ./mvnw -B verify -Pfast}; {@code ./mvnw -B verify} runs it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(TestTags.CLUSTER)
public @interface HazelcastCluster {
}
