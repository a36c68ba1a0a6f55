/**
 * Internal, not API: may change in any release without notice. The step kernel: the two passes of
 * a step (the global-norm sum of squares and the fused Adam update) over an optimizer's tensors.
 *
 * <p>As Lucene's vectorization provider, a portable kernel (plain loops C2 vectorizes) and an
 * optional faster one on {@code jdk.incubator.vector} (compiled from {@code src/main/java-vector},
 * loaded reflectively) sit behind one interface, and one of them is chosen once per JVM at
 * start-up. {@code StepPasses} splits large tensors across a group of worker threads with results
 * bit for bit independent of the parallelism; {@code StepCoefficients} holds a step's scalars.
 */
@NullMarked
package io.github.skrl4j.adam.internal.kernel;

import org.jspecify.annotations.NullMarked;
