package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.LearningRateSchedule
import io.github.skrl4j.adam.NonFinitePolicy
import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.OptimizerState
import io.github.skrl4j.adam.StepEvent
import io.github.skrl4j.adam.StepListener
import io.github.skrl4j.adam.Tensor
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.WarmUp
import io.github.skrl4j.adam.schedule.KLAdaptiveLR

// adam-core's accessors are named like record components (`count()`), which Kotlin sees as functions,
// not properties (it makes properties only of `getX()` and `isX()`). These give Kotlin its properties.

/** [StepEvent.optimizerName]: the optimizer's name. */
public val StepEvent.optimizerName: String get() = optimizerName()

/** [StepEvent.count]: the optimizer's count after the step. */
public val StepEvent.count: Long get() = count()

/** [StepEvent.gradientNorm]: the global gradient norm before clipping. */
public val StepEvent.gradientNorm: Double get() = gradientNorm()

/** [StepEvent.clipped]: true when clipping scaled the gradient down. */
public val StepEvent.clipped: Boolean get() = clipped()

/** [StepEvent.learningRate]: the lr the update was multiplied by (0 for a skipped step). */
public val StepEvent.learningRate: Double get() = learningRate()

/** [StepEvent.skipped]: true when a non-finite gradient made the step a no-op. */
public val StepEvent.skipped: Boolean get() = skipped()

/** [Optimizer.name]: the settings' name. */
public val Optimizer.name: String get() = name()

/** [Optimizer.count]: steps taken (Optax's `count`). */
public val Optimizer.count: Long get() = count()

/** [Optimizer.config]: the settings. */
public val Optimizer.config: Adam get() = config()

/** [Optimizer.lastGradientNorm]: the global gradient norm of the last step; NaN before any. */
public val Optimizer.lastGradientNorm: Double get() = lastGradientNorm()

/** [Optimizer.lastLearningRate]: the lr of the last applied step; NaN before any. */
public val Optimizer.lastLearningRate: Double get() = lastLearningRate()

/** [Optimizer.skippedSteps]: steps skipped for a non-finite gradient. */
public val Optimizer.skippedSteps: Long get() = skippedSteps()

/** [Optimizer.parameterNames]: the parameters' names, in the order the global norm sums them. */
public val Optimizer.parameterNames: List<String> get() = parameterNames()

/** [OptimizerState.count]: steps taken. */
public val OptimizerState.count: Long get() = count()

/** [OptimizerState.mu]: the first moments. */
public val OptimizerState.mu: Tensors get() = mu()

/** [OptimizerState.nu]: the second moments. */
public val OptimizerState.nu: Tensors get() = nu()

/** [OptimizerState.nuMax]: AMSGrad's running maximum; empty without AMSGrad. */
public val OptimizerState.nuMax: Tensors get() = nuMax()

/** [Tensor.name]: the tensor's name. */
public val Tensor.name: String get() = name()

/** [Tensor.data]: the live values, row-major; writes are seen by model and optimizer. */
public val Tensor.data: FloatArray get() = data()

/** [Tensor.shape]: a copy of the dimensions. */
public val Tensor.shape: IntArray get() = shape()

/** [Tensor.size]: the number of values. */
public val Tensor.size: Int get() = size()

/** [Tensors.size]: the number of tensors. */
public val Tensors.size: Int get() = size()

/** [Tensors.names]: the names, in order. */
public val Tensors.names: List<String> get() = names()

/** [Adam.name]: the name listeners, metrics and error messages use. */
public val Adam.name: String get() = name()

/** [Adam.lr]: the fixed learning rate. */
public val Adam.lr: Double get() = lr()

/** [Adam.learningRateSchedule]: the schedule that replaces [lr], or null. */
public val Adam.schedule: LearningRateSchedule? get() = learningRateSchedule()

/** [Adam.gradNormClip]: the maximum global gradient norm; 0 or less is off. */
public val Adam.gradNormClip: Double get() = gradNormClip()

/** [Adam.scale]: true when the optimizer applies its own lr. */
public val Adam.scale: Boolean get() = scale()

/** [Adam.b1]: the first moment's decay rate. */
public val Adam.b1: Double get() = b1()

/** [Adam.b2]: the second moment's decay rate. */
public val Adam.b2: Double get() = b2()

/** [Adam.eps]: added to the denominator outside the square root. */
public val Adam.eps: Double get() = eps()

/** [Adam.epsRoot]: added to the second moment inside the square root. */
public val Adam.epsRoot: Double get() = epsRoot()

/** [Adam.weightDecay]: the decoupled weight decay. */
public val Adam.weightDecay: Double get() = weightDecay()

/** [Adam.amsgrad]: true for AMSGrad. */
public val Adam.amsgrad: Boolean get() = amsgrad()

/** [Adam.nesterov]: true for Nesterov momentum. */
public val Adam.nesterov: Boolean get() = nesterov()

/** [Adam.nonFinitePolicy]: what a step does with a non-finite gradient value. */
public val Adam.nonFinite: NonFinitePolicy get() = nonFinitePolicy()

/** [Adam.listeners]: the listeners every optimizer made from the settings starts with. */
public val Adam.listeners: List<StepListener> get() = listeners()

/** [Adam.parallelism]: threads sharing the work on a large tensor. */
public val Adam.parallelism: Int get() = parallelism()

/** [Adam.parallelThreshold]: elements from which a tensor is split across threads. */
public val Adam.parallelThreshold: Int get() = parallelThreshold()

/** [Adam.measuresStepDuration]: true when each step measures its wall time. */
public val Adam.measuresStepDuration: Boolean get() = measuresStepDuration()

/** [Adam.warmUp]: whether an optimizer's start warms up before the first step. */
public val Adam.warmUp: WarmUp get() = warmUp()

/** [KLAdaptiveLR.Tracker.lr]: the lr to give the next `step(grad, model, lr)`. */
public val KLAdaptiveLR.Tracker.lr: Double get() = lr()
