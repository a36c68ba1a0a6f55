package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.NonFinitePolicy
import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.StepEvent
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.testsupport.AllocationCounting
import java.lang.management.ManagementFactory
import java.util.concurrent.atomic.AtomicLong
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.conflate
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test

/**
 * `Optimizer.events()`: immutable snapshots, a listener only while collected. Allocation is counted
 * with HotSpot's per-thread allocated bytes, nothing is timed.
 */
class EventsTest {

    private val threads = ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean

    private val params = tensors("w" to tensor(FloatArray(64) { it / 64f }, 8, 8), "b" to tensor(FloatArray(8)))
    private val grad = tensors("w" to tensor(FloatArray(64) { 0.01f * (it % 5) }, 8, 8), "b" to tensor(FloatArray(8) { 0.1f }))

    private fun optimizer(): Optimizer = adam(name = "events", lr = 1e-2, gradNormClip = 0.1, parallelism = 1).init(params)

    @Test
    fun `collected events are independent snapshots of consecutive steps`(): Unit = runBlocking {
        val optimizer = optimizer()
        val norms = mutableMapOf<Long, Double>()
        optimizer.addListener { norms[it.count] = it.gradientNorm }
        val collected = async { optimizer.events().take(3).toList() }
        var steps = 0
        while (!collected.isCompleted && steps < 1_000) {
            optimizer.step(grad, params)
            steps++
            yield()
        }
        val events = withTimeout(10_000) { collected.await() }
        optimizer.step(grad, params)

        assertThat(events).hasSize(3).doesNotHaveDuplicates()
        val first = events[0].count
        assertThat(events.map { it.count }).containsExactly(first, first + 1, first + 2)
        assertThat(events.map { it.gradientNorm }).containsExactly(norms[first], norms[first + 1], norms[first + 2])
        assertThat(events).allSatisfy {
            assertThat(it.optimizerName).isEqualTo("events")
            assertThat(it.clipped).isTrue()
        }
        assertThat(events.last().count).`as`("a later step leaves a kept event as it was").isLessThan(optimizer.count)
    }

    @Test
    fun `skipped steps are events too`(): Unit = runBlocking {
        val model = tensors("w" to floatArrayOf(1f))
        val optimizer = adam(nonFinite = NonFinitePolicy.SKIP, parallelism = 1).init(model)
        val collected = async { optimizer.events().take(2).toList() }
        val bad = tensors("w" to floatArrayOf(Float.NaN))
        val good = tensors("w" to floatArrayOf(0.5f))
        var steps = 0
        while (!collected.isCompleted && steps < 1_000) {
            optimizer.step(if (steps % 2 == 0) bad else good, model)
            steps++
            yield()
        }
        val events = withTimeout(10_000) { collected.await() }
        assertThat(events.map { it.skipped }).containsExactlyInAnyOrder(true, false)
    }

    @Test
    fun `a conflated collector sees the latest step`(): Unit = runBlocking {
        val optimizer = optimizer()
        val latest = async { optimizer.events().conflate().take(1).toList() }
        var steps = 0
        while (!latest.isCompleted && steps < 1_000) {
            optimizer.step(grad, params)
            steps++
            yield()
        }
        assertThat(withTimeout(10_000) { latest.await() }.single().count).isBetween(1L, optimizer.count)
    }

    @Test
    @AllocationCounting
    fun `steps allocate nothing unless someone collects, and nothing again once collection ends`() {
        val optimizer = optimizer()
        val events = optimizer.events()
        repeat(3_000) { optimizer.step(grad, params) }
        assertThat(bytesAllocatedBy1000Steps(optimizer)).`as`("a flow that nobody collects").isLessThan(1_000)

        val received = AtomicLong()
        runBlocking {
            val collector = launch(Dispatchers.Default) { events.collect { received.incrementAndGet() } }
            withTimeout(10_000) {
                while (received.get() == 0L) {
                    optimizer.step(grad, params)
                    yield()
                }
            }
            // every step makes a snapshot for the collector: this is what the other two measurements rule out
            assertThat(bytesAllocatedBy1000Steps(optimizer)).`as`("while collected").isGreaterThan(16_000)
            collector.cancel()
            collector.join()
        }
        assertThat(bytesAllocatedBy1000Steps(optimizer)).`as`("after the collection ended").isLessThan(1_000)
    }

    private fun bytesAllocatedBy1000Steps(optimizer: Optimizer): Long {
        val before = threads.currentThreadAllocatedBytes
        for (i in 0 until 1_000) {
            optimizer.step(grad, params)
        }
        return threads.currentThreadAllocatedBytes - before
    }
}
