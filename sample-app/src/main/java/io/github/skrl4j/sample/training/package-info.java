/**
 * The training service: runs the PPO loop on a background thread, records what the dashboard draws,
 * writes checkpoints, and maps {@code sample.training.*} properties.
 */
@NullMarked
package io.github.skrl4j.sample.training;

import org.jspecify.annotations.NullMarked;
