package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.StepEvent
import io.github.skrl4j.adam.StepListener
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow

// In a file of its own: kotlinx-coroutines is an optional dependency, and only this file needs it.

/**
 * The steps of this optimizer from the moment of collection on, each an independent snapshot
 * ([StepEvent.snapshot]) that is safe to keep: applied and skipped steps, not refused ones (those
 * throw from `step`).
 *
 * The flow is cold: collecting adds a [StepListener] to the optimizer, and the collection ending (or
 * being cancelled) removes it, so an optimizer nobody collects from does no extra work and allocates
 * nothing per step. The listener never suspends the stepping thread: events wait in an unbounded
 * buffer for a slow collector; `events().conflate()` keeps only the latest instead, and
 * `events().buffer(n, BufferOverflow.DROP_OLDEST)` the latest `n`.
 */
public fun Optimizer.events(): Flow<StepEvent> = callbackFlow {
    val listener = StepListener { event -> trySend(event.snapshot()) }
    addListener(listener)
    awaitClose { removeListener(listener) }
}.buffer(Channel.UNLIMITED)
