package io.github.skrl4j.sample.faults;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The switches that fail this replica's next collective operation (the {@code distributed} profile; alone there
 * is no collective operation, and nothing fails). Exists only with {@code sample.faults.enabled=true}.
 *
 * <ul>
 *   <li>{@code POST /api/faults/collective-failure}: the operation fails as a failed send would, so that the
 *       world breaks with every replica alive and re-forms ({@link CollectiveFailureFault}).</li>
 *   <li>{@code POST /api/faults/training-failure}: this replica's training fails for good, so that it gives up
 *       and the other replicas' runs fail at once naming it, instead of waiting for it
 *       ({@link TrainingFailureFault}).</li>
 * </ul>
 */
@RestController
@RequestMapping("/api/faults")
@ConditionalOnBooleanProperty(FaultController.ENABLED)
public class OperationFaultController {

    private final CollectiveFailureFault collectiveFailure;
    private final TrainingFailureFault trainingFailure;

    OperationFaultController(CollectiveFailureFault collectiveFailure, TrainingFailureFault trainingFailure) {
        this.collectiveFailure = collectiveFailure;
        this.trainingFailure = trainingFailure;
    }

    /** Arms the collective failure: the next collective operation fails. */
    @PostMapping("/collective-failure")
    public Map<String, Object> failNextOperation() {
        collectiveFailure.failNextOperation();
        return Map.of("armed", collectiveFailure.isArmed());
    }

    /** Arms the training failure: the training fails at the next collective operation. */
    @PostMapping("/training-failure")
    public Map<String, Object> failTraining() {
        trainingFailure.failTraining();
        return Map.of("armed", trainingFailure.isArmed());
    }
}
