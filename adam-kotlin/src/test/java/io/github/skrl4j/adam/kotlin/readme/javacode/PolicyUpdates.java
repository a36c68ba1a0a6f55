package io.github.skrl4j.adam.kotlin.readme.javacode;

// README snippet begin: java KL-adaptive lr
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.schedule.KLAdaptiveLR;

class PolicyUpdates {
    private final KLAdaptiveLR.Tracker lr = KLAdaptiveLR.defaults().tracker(1e-3);

    /** {@code optimizer} was built with {@code scale(false)}: every step is given its lr. */
    void update(Optimizer optimizer, Tensors grad, Tensors policy, double measuredKl) {
        optimizer.step(grad, policy, lr.lr());
        lr.update(measuredKl);                                // the next step's lr
    }
}
// README snippet end
