package io.github.skrl4j.adam

import io.kotest.common.ExperimentalKotest
import io.kotest.property.Arb
import io.kotest.property.PropTestConfig
import io.kotest.property.arbitrary.bind
import io.kotest.property.arbitrary.boolean
import io.kotest.property.arbitrary.choice
import io.kotest.property.arbitrary.element
import io.kotest.property.arbitrary.flatMap
import io.kotest.property.arbitrary.int
import io.kotest.property.arbitrary.list
import io.kotest.property.arbitrary.long
import io.kotest.property.arbitrary.map
import kotlinx.coroutines.runBlocking
import java.util.Random

/*
 * What the property tests share: how a JUnit Jupiter test runs a kotest-property check, the random
 * experiments (a layout of tensors, Adam settings, a step count and a seed for the values), and
 * bit-for-bit comparisons. Every check runs with a fixed seed, so a run tries the same cases each
 * time and a failure names the case that reproduces it.
 */


/** Runs the kotest-property checks of [checks] inside a JUnit Jupiter test. */
internal fun properties(checks: suspend () -> Unit) {
    runBlocking { checks() }
}

/** [iterations] cases drawn from [seed]. (The configuration's defaults include experimental settings.) */
@OptIn(ExperimentalKotest::class)
internal fun seeded(seed: Long, iterations: Int) = PropTestConfig(seed = seed, iterations = iterations)

/**
 * One random experiment: the shapes of the model's tensors, the steps to take, a seed for every
 * value, and the Adam settings (those that do not come from the seed: the switches and the values
 * that change the code path).
 */
internal class Scenario(
    val shapes: List<IntArray>,
    val steps: Int,
    val seed: Long,
    val clip: Double,
    val amsgrad: Boolean,
    val nesterov: Boolean,
    val epsRoot: Boolean,
    val weightDecay: Double,
    val scale: Boolean,
    /** 0: the builder's defaults for parallelism and threshold (no tensor reaches the threshold). */
    val parallelism: Int = 0,
    val parallelThreshold: Int = Adam.Builder.DEFAULT_PARALLEL_THRESHOLD,
    /** Values from the whole float range (zeros, -0.0, subnormals, mixed magnitudes), else Gaussian. */
    val extremeValues: Boolean = false,
) {

    /** The settings; lr, b1, b2, eps and epsRoot's size come from the seed. */
    fun config(): Adam {
        val r = Random(seed)
        val builder = Adam.builder()
            .lr(Math.pow(10.0, -1 - 3 * r.nextDouble()))
            .gradNormClip(clip)
            .scale(scale)
            .b1(if (r.nextBoolean()) 0.9 else 0.99 * r.nextDouble())
            .b2(if (r.nextBoolean()) 0.999 else 0.9 + 0.0999 * r.nextDouble())
            .eps(if (r.nextBoolean()) 1e-8 else Math.pow(10.0, -3 - 6 * r.nextDouble()))
            .epsRoot(if (epsRoot) Math.pow(10.0, -3 - 6 * r.nextDouble()) else 0.0)
            .weightDecay(weightDecay)
            .amsgrad(amsgrad)
            .nesterov(nesterov)
        if (parallelism > 0) {
            builder.parallelism(parallelism).parallelThreshold(parallelThreshold)
        }
        return builder.build()
    }

    fun sizes(): IntArray = shapes.map { elements(it) }.toIntArray()

    fun params(r: Random): Tensors = tensors(r, 1.0)

    fun grads(r: Random, scaleOfValues: Double): Tensors = tensors(r, scaleOfValues)

    private fun tensors(r: Random, scaleOfValues: Double): Tensors = Tensors.of(
        shapes.mapIndexed { i, shape ->
            val n = elements(shape)
            Tensor.of(name(i), if (extremeValues) extremeValues(r, n, scaleOfValues) else gaussian(r, n, scaleOfValues), *shape)
        },
    )

    override fun toString(): String =
        "Scenario[shapes=${shapes.map { it.contentToString() }}, steps=$steps, seed=$seed, extremeValues=$extremeValues, ${config()}]"

    companion object {
        fun name(index: Int) = "net/t$index"
    }
}

internal fun elements(shape: IntArray): Int = shape.fold(1) { n, d -> n * d }

internal fun gaussian(r: Random, n: Int, scale: Double) = FloatArray(n) { (scale * r.nextGaussian()).toFloat() }

/**
 * Values from the whole float range that matters: normal ones of mixed magnitudes (so that the order
 * of a summation would show in the last bits), zero and -0.0, tiny ones, and subnormals of either sign.
 */
internal fun extremeValues(r: Random, n: Int, scale: Double) = FloatArray(n) {
    when (val kind = r.nextInt(12)) {
        0 -> 0f
        1 -> -0f
        2 -> (if (r.nextBoolean()) 1 else -1) * Float.MIN_VALUE * (1 + r.nextInt(1 shl 22))
        3 -> (r.nextGaussian() * 1e-36).toFloat()
        4 -> (r.nextGaussian() * scale * 1e-20).toFloat()
        else -> (r.nextGaussian() * scale * MAGNITUDES[kind - 5]).toFloat()
    }
}

private val MAGNITUDES = DoubleArray(7) { Math.pow(10.0, it - 3.0) }

/** A tensor shape of [n] elements and the given rank (rank 0 only for one element). */
internal fun shapeOf(n: Int, rank: Int): IntArray {
    if (rank == 0 && n == 1) return IntArray(0)
    if (rank <= 1 || n == 0) return intArrayOf(n)
    val d = (2..minOf(n, 9)).firstOrNull { n % it == 0 } ?: 1
    return if (rank == 2) intArrayOf(d, n / d) else intArrayOf(1, d, n / d)
}

/** The experiments' generators. */
internal object Scenarios {

    /** The domain the properties against the reference were written for: up to four tensors of up to 343 elements. */
    val small: Arb<Scenario> = Arb.bind(
        Arb.list(Arb.list(Arb.int(1..7), 0..3).map { it.toIntArray() }, 1..4),
        Arb.int(1..40),
        Arb.long(),
        Arb.element(0.0, -1.0, 0.05, 1.0, 10.0),
        Arb.boolean(),
        Arb.boolean(),
        Arb.boolean(),
        Arb.element(0.0, 1e-4, 0.1),
        Arb.boolean(),
    ) { shapes, steps, seed, clip, amsgrad, nesterov, epsRoot, weightDecay, scale ->
        Scenario(shapes, steps, seed, clip, amsgrad, nesterov, epsRoot, weightDecay, scale)
    }

    /** Sizes where the vector kernel changes course: around its widths (8 and 16 lanes) and their multiples. */
    private val vectorEdgeSizes = listOf(1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129)

    /**
     * A size near the parallel threshold, around a vector width, anything up to a few thresholds,
     * or one of [extraSizes].
     */
    private fun sizeNear(threshold: Int, extraSizes: List<Int>): Arb<Int> {
        val sizes = mutableListOf(Arb.element(vectorEdgeSizes), Arb.int(-2..2).map { threshold + it }, Arb.int(0..3 * threshold))
        if (extraSizes.isNotEmpty()) sizes += Arb.element(extraSizes)
        return Arb.choice(sizes)
    }

    /**
     * Every Optax option at random, half of the time restricted to the plain settings (no AMSGrad,
     * no Nesterov, epsRoot 0, no weight decay), which have their own fast loops.
     */
    private val anySettings: Arb<Settings> = Arb.choice(
        Arb.bind(Arb.element(0.0, -1.0, 0.05, 1.0, 10.0), Arb.boolean()) { clip, scale ->
            Settings(clip, false, false, false, 0.0, scale)
        },
        Arb.bind(
            Arb.element(0.0, -1.0, 0.05, 1.0, 10.0), Arb.boolean(), Arb.boolean(), Arb.boolean(),
            Arb.element(0.0, 1e-4, 0.1), Arb.boolean(),
        ) { clip, amsgrad, nesterov, epsRoot, weightDecay, scale ->
            Settings(clip, amsgrad, nesterov, epsRoot, weightDecay, scale)
        },
    )

    /**
     * One to five tensors of any rank with sizes around a random parallel threshold (16 to 600) and
     * the vector widths, or one of [extraSizes]; any settings; a parallelism of 1 or 2; 1 to 12 steps.
     */
    fun wide(extraSizes: List<Int> = emptyList()): Arb<Scenario> = Arb.int(16..600).flatMap { threshold ->
        Arb.bind(
            Arb.list(Arb.bind(sizeNear(threshold, extraSizes), Arb.int(0..3)) { n, rank -> shapeOf(n, rank) }, 1..5),
            Arb.int(1..12),
            Arb.long(),
            anySettings,
            Arb.int(1..2),
            Arb.boolean(),
        ) { shapes, steps, seed, s, parallelism, extreme ->
            Scenario(shapes, steps, seed, s.clip, s.amsgrad, s.nesterov, s.epsRoot, s.weightDecay, s.scale,
                parallelism, threshold, extreme)
        }
    }

    internal class Settings(
        val clip: Double, val amsgrad: Boolean, val nesterov: Boolean, val epsRoot: Boolean,
        val weightDecay: Double, val scale: Boolean,
    )
}

/** A training run's inputs, drawn once from a scenario's seed so that several runs can replay them. */
internal class Inputs(scenario: Scenario, val steps: Int = scenario.steps) {
    private val r = Random(scenario.seed xor 0x5DEECE66DL)
    val initialParams: Tensors = scenario.params(r)
    val grads: List<Tensors> = List(steps) { scenario.grads(r, Math.pow(10.0, -3 + 5 * r.nextDouble())) }
    /** The lr of each step when the settings have scale = false. */
    val stepLrs: List<Double> = List(steps) { 1e-3 * (1 + r.nextInt(10)) }

    /** Takes steps [from] to [to] - 1 with these inputs. */
    fun run(optimizer: Optimizer, params: Tensors, from: Int = 0, to: Int = steps) {
        for (i in from until to) {
            if (optimizer.config().scale()) optimizer.step(grads[i], params) else optimizer.step(grads[i], params, stepLrs[i])
        }
    }
}

/** Fails unless [actual] holds the tensors of [expected] (names, order, shapes) with the same bits. */
internal fun assertBitIdentical(what: String, actual: Tensors, expected: Tensors) {
    if (actual.names() != expected.names()) throw AssertionError("$what: tensors ${actual.names()} != ${expected.names()}")
    for (i in 0 until expected.size()) {
        val a = actual[i]
        val e = expected[i]
        if (!a.shape().contentEquals(e.shape())) {
            throw AssertionError("$what '${e.name()}': shape ${a.shapeString()} != ${e.shapeString()}")
        }
        assertBitIdentical("$what '${e.name()}'", a.data(), e.data())
    }
}

/** Fails unless both arrays hold the same floats bit for bit (-0.0 is not 0.0; NaN payloads count). */
internal fun assertBitIdentical(what: String, actual: FloatArray, expected: FloatArray) {
    if (actual.size != expected.size) throw AssertionError("$what: ${actual.size} values != ${expected.size}")
    for (j in expected.indices) {
        if (actual[j].toRawBits() != expected[j].toRawBits()) {
            throw AssertionError("$what[$j]: ${actual[j]} != ${expected[j]}")
        }
    }
}

/** Fails unless two states are the same count and moments bit for bit. */
internal fun assertBitIdentical(what: String, actual: OptimizerState, expected: OptimizerState) {
    if (actual.count() != expected.count()) throw AssertionError("$what: count ${actual.count()} != ${expected.count()}")
    assertBitIdentical("$what mu", actual.mu(), expected.mu())
    assertBitIdentical("$what nu", actual.nu(), expected.nu())
    assertBitIdentical("$what nuMax", actual.nuMax(), expected.nuMax())
}
