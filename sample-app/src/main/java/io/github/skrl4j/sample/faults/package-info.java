/**
 * Faults for monitoring drills, off unless {@code sample.faults.enabled=true}: a switch that pauses
 * the training loop, so that an operator (or a test) can see the alerts of skrl4j's monitoring kit fire.
 */
@NullMarked
package io.github.skrl4j.sample.faults;

import org.jspecify.annotations.NullMarked;
