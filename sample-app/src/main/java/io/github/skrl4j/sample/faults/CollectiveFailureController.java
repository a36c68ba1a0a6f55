package io.github.skrl4j.sample.faults;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/faults/collective-failure} makes this replica's next collective operation fail as a failed
 * send would, so that the world breaks with every replica alive and re-forms (the {@code distributed} profile;
 * alone there is no collective operation, and nothing fails). Exists only with {@code sample.faults.enabled=true}.
 */
@RestController
@RequestMapping("/api/faults/collective-failure")
@ConditionalOnBooleanProperty(FaultController.ENABLED)
public class CollectiveFailureController {

    private final CollectiveFailureFault fault;

    CollectiveFailureController(CollectiveFailureFault fault) {
        this.fault = fault;
    }

    /** Arms the fault: the next collective operation fails. */
    @PostMapping
    public Map<String, Object> failNextOperation() {
        fault.failNextOperation();
        return Map.of("armed", fault.isArmed());
    }
}
