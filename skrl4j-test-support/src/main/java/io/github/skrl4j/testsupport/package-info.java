/**
 * What the modules' tests share (the {@code skrl4j-test-support} module, a test-scoped dependency that
 * is never published): {@link PublishedJarChecks}, the checks every published jar passes; and
 * {@link LoopbackCluster}, Hazelcast members on loopback.
 */
package io.github.skrl4j.testsupport;
