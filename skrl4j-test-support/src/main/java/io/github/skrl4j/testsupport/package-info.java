/**
 * What the modules' tests share (the {@code skrl4j-test-support} module, a test-scoped dependency that
 * is never published): the {@link org.junit.jupiter.api.Tag tags} of the tests that depend on the machine
 * ({@link AllocationCounting}, {@link ChildJvm}, {@link HazelcastCluster}, {@link Browser}), which
 * {@code ./mvnw -B verify -Pfast} leaves out; {@link PublishedJarChecks}, the checks every published
 * jar passes; and {@link LoopbackCluster}, Hazelcast members on loopback.
 */
package io.github.skrl4j.testsupport;
