package io.github.skrl4j.adam.kotlin.readme.kotlincode.kladaptive

// README snippet begin: kotlin KL-adaptive lr
import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.kotlin.lr
import io.github.skrl4j.adam.schedule.KLAdaptiveLR

class PolicyUpdates {
    private val lr = KLAdaptiveLR.defaults().tracker(1e-3)

    /** [optimizer] was made with `scale = false`: every step is given its lr. */
    fun update(optimizer: Optimizer, grad: Tensors, policy: Tensors, measuredKl: Double) {
        optimizer.step(grad, policy, lr.lr)
        lr.update(measuredKl)                                 // the next step's lr
    }
}
// README snippet end
