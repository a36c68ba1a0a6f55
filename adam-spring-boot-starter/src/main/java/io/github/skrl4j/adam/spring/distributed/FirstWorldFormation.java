package io.github.skrl4j.adam.spring.distributed;

import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import java.util.Objects;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * Forms a {@link DistributedTraining}'s first world off the context-start path: when the context
 * starts, a daemon thread named {@value #THREAD_NAME} waits (up to the join timeout) for every replica,
 * so the application answers HTTP and reports the world forming meanwhile instead of blocking in bean
 * creation. The application's first collective operation waits for the formation in progress. A failure
 * is kept ({@link #failure()}), logged, and shown by the world's health (broken, with its last failure).
 */
public final class FirstWorldFormation implements SmartLifecycle {

    /** The name of the thread that forms the first world. */
    public static final String THREAD_NAME = "skrl4j-world-formation";

    private static final Log LOG = LogFactory.getLog(FirstWorldFormation.class);

    private final DistributedTraining training;
    private volatile @Nullable Thread thread;
    private volatile @Nullable RuntimeException failure;

    /** Forms {@code training}'s first world when started. */
    public FirstWorldFormation(DistributedTraining training) {
        this.training = Objects.requireNonNull(training, "training");
    }

    @Override
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        Thread t = new Thread(this::form, THREAD_NAME);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void form() {
        try {
            training.formFirstWorld();
            LOG.info("The world of " + training.worldSize() + " replicas formed: this replica is rank "
                    + training.rank());
        } catch (CollectiveException | IllegalStateException e) {
            failure = e;
            if (training.status() == ReformingWorld.Status.CLOSED) {
                LOG.info("Closed before the first world formed");
            } else {
                LOG.error("The first world did not form; collective operations will fail: " + e.getMessage(), e);
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("The first world did not form", e);
        }
    }

    /** Nothing to stop: closing the training (when the context closes) ends a formation in progress. */
    @Override
    public void stop() {
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    /** Whether the formation thread is done (formed or failed); false before {@link #start()}. */
    public boolean done() {
        Thread t = thread;
        return t != null && !t.isAlive();
    }

    /** Why the first world did not form, or {@code null} (formed, or still forming). */
    public @Nullable RuntimeException failure() {
        return failure;
    }
}
