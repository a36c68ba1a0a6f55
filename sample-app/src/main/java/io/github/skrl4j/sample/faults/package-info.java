/**
 * Faults for drills, off unless {@code sample.faults.enabled=true}: a switch that pauses the training loop,
 * so that an operator (or a test) can see the alerts of skrl4j's monitoring kit fire, and one that fails this
 * replica's next collective operation, so that the replicas' world breaks and re-forms.
 */
@NullMarked
package io.github.skrl4j.sample.faults;

import org.jspecify.annotations.NullMarked;
