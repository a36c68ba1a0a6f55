package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.LearningRateSchedule
import io.github.skrl4j.adam.NonFinitePolicy
import io.github.skrl4j.adam.StepListener
import io.github.skrl4j.adam.WarmUp

/** Keeps an outer `adam { }` block's settings from being set inside a nested block by mistake. */
@DslMarker
public annotation class AdamDsl

/**
 * The receiver of [adam]'s block: every option of [Adam.Builder], starting at skrl's and Optax's
 * defaults. [Adam.Builder.build] checks them when the block ends. (Not adam-core's
 * [io.github.skrl4j.adam.AdamSettings] record, which holds only what decides a step's result.)
 */
@AdamDsl
public class AdamSpec internal constructor() {
    /** The name listeners, metrics and error messages use. */
    public var name: String = Adam.DEFAULT_NAME

    /** The fixed learning rate, used when [scale] is true and no [schedule] is set; finite and > 0. */
    public var lr: Double = 1e-3

    /**
     * A learning rate evaluated at the count before each step, in place of [lr] (Optax's callable
     * `learning_rate`); only with [scale] = true. Null: the fixed [lr].
     */
    public var schedule: LearningRateSchedule? = null

    /** Maximum global gradient norm; 0 or less turns clipping off. */
    public var gradNormClip: Double = 0.0

    /**
     * True: the optimizer applies its own lr (`step(grad, model)`). False: every step is given its lr
     * (`step(grad, model, lr)`), as with skrl's learning-rate schedulers.
     */
    public var scale: Boolean = true

    /** Decay rate of the first moment, in [0, 1). */
    public var b1: Double = 0.9

    /** Decay rate of the second moment, in [0, 1). */
    public var b2: Double = 0.999

    /** Added to the denominator outside the square root; finite and >= 0. */
    public var eps: Double = 1e-8

    /** Added to the second moment inside the square root; finite and >= 0. */
    public var epsRoot: Double = 0.0

    /** Decoupled weight decay (Optax's `adamw`); 0 turns it off. */
    public var weightDecay: Double = 0.0

    /** AMSGrad: the denominator uses the running maximum of the second moment. */
    public var amsgrad: Boolean = false

    /** Nesterov momentum (NAdam). */
    public var nesterov: Boolean = false

    /** What a step does with a NaN or infinite gradient value: refuse it (the default) or skip it. */
    public var nonFinite: NonFinitePolicy = NonFinitePolicy.ERROR

    /** Threads sharing the work on a large tensor, the stepping thread included; >= 1. */
    public var parallelism: Int = Runtime.getRuntime().availableProcessors()

    /** Elements from which a tensor is split across [parallelism] threads; >= 1. */
    public var parallelThreshold: Int = Adam.Builder.DEFAULT_PARALLEL_THRESHOLD

    /**
     * Whether each step measures its wall time (two clock reads per step), reported as
     * `StepEvent.durationNanos` and by the starter's step-duration timer.
     */
    public var measureStepDuration: Boolean = false

    /**
     * Whether an optimizer's start compiles the code its steps run before the first step:
     * [WarmUp.AUTOMATIC] (the default) for models of at least [WarmUp.AUTOMATIC_MIN_PARAMETERS]
     * parameters, [WarmUp.AT_START] always, [WarmUp.NONE] never. The results are the same with any.
     */
    public var warmUp: WarmUp = WarmUp.AUTOMATIC

    private val listeners = mutableListOf<StepListener>()

    /** Adds a listener that every optimizer made from these settings starts with: `listener { e -> ... }`. */
    public fun listener(listener: StepListener) {
        listeners += listener
    }

    /** The one place the DSL's options meet adam-core's builder. */
    internal fun build(): Adam {
        val builder = Adam.builder().name(name).lr(lr).gradNormClip(gradNormClip).scale(scale)
            .b1(b1).b2(b2).eps(eps).epsRoot(epsRoot).weightDecay(weightDecay).amsgrad(amsgrad)
            .nesterov(nesterov).nonFinitePolicy(nonFinite).parallelism(parallelism)
            .parallelThreshold(parallelThreshold).measureStepDuration(measureStepDuration).warmUp(warmUp)
        // after lr(Double), which clears a schedule
        schedule?.let { builder.lr(it) }
        listeners.forEach { builder.listener(it) }
        return builder.build()
    }
}

/** The former name of [AdamSpec], which read like adam-core's `AdamSettings` record. */
@Deprecated("Renamed: it is the receiver of adam { }, not adam-core's AdamSettings", ReplaceWith("AdamSpec"))
public typealias AdamSettings = AdamSpec

/**
 * Adam's settings from a block, starting at skrl's and Optax's defaults:
 *
 * ```
 * val settings = adam { lr = 5e-4; gradNormClip = 0.5; scale = false }
 * ```
 *
 * @throws IllegalArgumentException naming the first setting out of its range
 */
public fun adam(block: AdamSpec.() -> Unit): Adam = AdamSpec().apply(block).build()

/**
 * Adam's settings by named arguments; each default is skrl's and Optax's. The first three are skrl's
 * `Adam(model, lr, grad_norm_clip, scale)` in its order, so `adam(5e-4, 0.5)` reads as skrl does:
 *
 * ```
 * val settings = adam(lr = 5e-4, gradNormClip = 0.5)
 * ```
 *
 * @param lr the fixed learning rate (finite, > 0), used when [scale] is true and [schedule] is null
 * @param gradNormClip maximum global gradient norm; 0 or less turns clipping off
 * @param scale true: the optimizer applies its lr (`step(grad, model)`); false: each step is given one
 *              (`step(grad, model, lr)`)
 * @param schedule a learning rate evaluated at the count before each step, in place of [lr]; needs [scale]
 * @param b1 decay rate of the first moment, in [0, 1)
 * @param b2 decay rate of the second moment, in [0, 1)
 * @param eps added to the denominator outside the square root
 * @param epsRoot added to the second moment inside the square root
 * @param weightDecay decoupled weight decay (Optax's `adamw`)
 * @param amsgrad AMSGrad's running maximum of the second moment
 * @param nesterov Nesterov momentum (NAdam)
 * @param nonFinite what a step does with a NaN or infinite gradient value
 * @param name the name listeners, metrics and error messages use
 * @param parallelism threads sharing the work on a large tensor, the stepping thread included
 * @param parallelThreshold elements from which a tensor is split across [parallelism] threads
 * @param measureStepDuration whether each step measures its wall time (`StepEvent.durationNanos`)
 * @param warmUp whether an optimizer's start warms up before the first step ([WarmUp.AUTOMATIC]: by the model's size)
 * @param listeners listeners every optimizer made from these settings starts with
 * @throws IllegalArgumentException naming the first setting out of its range
 */
@Suppress("LongParameterList")
public fun adam(
    lr: Double = 1e-3,
    gradNormClip: Double = 0.0,
    scale: Boolean = true,
    schedule: LearningRateSchedule? = null,
    b1: Double = 0.9,
    b2: Double = 0.999,
    eps: Double = 1e-8,
    epsRoot: Double = 0.0,
    weightDecay: Double = 0.0,
    amsgrad: Boolean = false,
    nesterov: Boolean = false,
    nonFinite: NonFinitePolicy = NonFinitePolicy.ERROR,
    name: String = Adam.DEFAULT_NAME,
    parallelism: Int = Runtime.getRuntime().availableProcessors(),
    parallelThreshold: Int = Adam.Builder.DEFAULT_PARALLEL_THRESHOLD,
    measureStepDuration: Boolean = false,
    warmUp: WarmUp = WarmUp.AUTOMATIC,
    listeners: List<StepListener> = emptyList(),
): Adam = adam {
    this.lr = lr
    this.gradNormClip = gradNormClip
    this.scale = scale
    this.schedule = schedule
    this.b1 = b1
    this.b2 = b2
    this.eps = eps
    this.epsRoot = epsRoot
    this.weightDecay = weightDecay
    this.amsgrad = amsgrad
    this.nesterov = nesterov
    this.nonFinite = nonFinite
    this.name = name
    this.parallelism = parallelism
    this.parallelThreshold = parallelThreshold
    this.measureStepDuration = measureStepDuration
    this.warmUp = warmUp
    listeners.forEach { listener(it) }
}
