package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;

/**
 * The one place that chooses between an optimizer's two step forms, from its {@code scale} setting:
 * with {@code scale = true} it applies its own learning rate ({@code step(grad, model)}: its lr, or its
 * schedule at its count); with {@code scale = false}, as skrl's agents configure it, the agent hands it
 * one ({@code step(grad, model, lr)}). The agent steps through {@link #step}; the dashboard shows
 * {@link #nextLearningRate}, so that both always agree on the rate a step uses.
 */
public final class StepForm {

    private StepForm() {
    }

    /**
     * One step of {@code optimizer} on {@code model}.
     *
     * @param agentLr the learning rate the agent hands it; used only when its {@code scale} is false
     */
    public static void step(Optimizer optimizer, Tensors grad, Model model, double agentLr) {
        if (appliesItsOwnRate(optimizer)) {
            optimizer.step(grad, model);
        } else {
            optimizer.step(grad, model, agentLr);
        }
    }

    /**
     * The learning rate {@code optimizer}'s next {@link #step} uses.
     *
     * @param agentLr the learning rate the agent would hand it
     */
    public static double nextLearningRate(Optimizer optimizer, double agentLr) {
        if (!appliesItsOwnRate(optimizer)) {
            return agentLr;
        }
        return optimizer.config().hasSchedule() ? optimizer.config().learningRateSchedule().at(optimizer.count())
                : optimizer.config().lr();
    }

    /** Whether {@code optimizer} applies its own learning rate ({@code scale = true}). */
    public static boolean appliesItsOwnRate(Optimizer optimizer) {
        return optimizer.config().scale();
    }
}
