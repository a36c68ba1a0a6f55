package io.github.skrl4j.sample.faults;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/faults/training-failure} makes this replica's training fail for good at its next collective
 * operation (the {@code distributed} profile), so that it gives up and the other replicas' runs fail at once
 * naming it, instead of waiting for it. Exists only with {@code sample.faults.enabled=true}.
 */
@RestController
@RequestMapping("/api/faults/training-failure")
@ConditionalOnBooleanProperty(FaultController.ENABLED)
public class TrainingFailureController {

    private final TrainingFailureFault fault;

    TrainingFailureController(TrainingFailureFault fault) {
        this.fault = fault;
    }

    /** Arms the fault: the training fails at the next collective operation. */
    @PostMapping
    public Map<String, Object> failTraining() {
        fault.failTraining();
        return Map.of("armed", fault.isArmed());
    }
}
