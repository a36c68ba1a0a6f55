package io.github.skrl4j.adam.kotlin.readme.kotlincode.watching

// README snippet begin: kotlin watching steps
import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.StepEvent
import io.github.skrl4j.adam.kotlin.clipped
import io.github.skrl4j.adam.kotlin.events
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList

suspend fun clippedSteps(optimizer: Optimizer, n: Int): List<StepEvent> =
    optimizer.events()                                        // snapshots, safe to keep; a listener only while collected
        .filter { it.clipped }
        .take(n)
        .toList()
// README snippet end
