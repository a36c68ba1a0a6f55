package io.github.skrl4j.adam.spring.actuate;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepEvent;
import io.github.skrl4j.adam.StepListener;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Remembers how an optimizer's last step ended and how many steps in a row failed. An applied step
 * writes three fields and allocates nothing; only a skipped or rejected step keeps an object (the
 * event's snapshot or the exception). The fields are written one by one, so a report read while a
 * step ends may mix that step with the one before; the next read is whole again.
 */
final class StepOutcomeTracker implements StepListener {

    private final Optimizer optimizer;
    private volatile StepOutcome.Status status = StepOutcome.Status.NONE;
    // a StepEvent snapshot for SKIPPED, the RuntimeException for REJECTED, null otherwise
    private volatile @Nullable Object problem;
    // a rejection can come from a second thread that tried to step at the same time: count atomically
    private final AtomicLong consecutiveFailures = new AtomicLong();

    StepOutcomeTracker(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    @Override
    public void onStep(StepEvent event) {
        if (event.skipped()) {
            problem = event.snapshot();
            consecutiveFailures.incrementAndGet();
            status = StepOutcome.Status.SKIPPED;
        } else {
            problem = null;
            consecutiveFailures.set(0);
            status = StepOutcome.Status.APPLIED;
        }
    }

    @Override
    public void onRejected(String optimizerName, long count, RuntimeException error) {
        problem = error;
        consecutiveFailures.incrementAndGet();
        status = StepOutcome.Status.REJECTED;
    }

    StepOutcome outcome() {
        StepOutcome.Status s = status;
        Object p = problem;
        return new StepOutcome(s, optimizer.count(), consecutiveFailures.get(), reason(s, p));
    }

    private static @Nullable String reason(StepOutcome.Status status, @Nullable Object problem) {
        if (status == StepOutcome.Status.SKIPPED && problem instanceof StepEvent event) {
            return "non-finite gradient (global norm " + event.gradientNorm()
                    + "); the step was skipped and nothing was changed";
        }
        if (status == StepOutcome.Status.REJECTED && problem instanceof RuntimeException error) {
            return error.getClass().getSimpleName() + ": " + error.getMessage();
        }
        return null;
    }
}
