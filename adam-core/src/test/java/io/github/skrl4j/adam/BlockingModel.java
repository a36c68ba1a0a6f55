package io.github.skrl4j.adam;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A model whose {@link #parameters()} blocks until released: it holds a step in progress (the step
 * asks for the parameters while it owns the optimizer), so that a test can act meanwhile.
 */
final class BlockingModel implements Model {

    private final Tensors parameters;
    private final CountDownLatch inside = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    BlockingModel(Tensors parameters) {
        this.parameters = parameters;
    }

    @Override
    public Tensors parameters() {
        inside.countDown();
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return parameters;
    }

    /** Waits until a step is inside {@link #parameters()}; true if one got there within 10 s. */
    boolean awaitStepInside() throws InterruptedException {
        return inside.await(10, TimeUnit.SECONDS);
    }

    /** Lets the blocked step go on. */
    void release() {
        release.countDown();
    }
}
