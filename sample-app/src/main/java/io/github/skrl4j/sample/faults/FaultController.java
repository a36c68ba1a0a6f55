package io.github.skrl4j.sample.faults;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/faults/training-pause?seconds=N} pauses the training loop for N seconds (1 to 600),
 * {@code DELETE /api/faults/training-pause} ends the pause. Exists only with
 * {@code sample.faults.enabled=true}: an unauthenticated switch that stops training is for drills and
 * tests, never for a run that matters.
 */
@RestController
@RequestMapping("/api/faults/training-pause")
@ConditionalOnBooleanProperty(FaultController.ENABLED)
public class FaultController {

    /** The property that enables the fault switches (default false). */
    public static final String ENABLED = "sample.faults.enabled";

    private final TrainingPauseFault pause;

    FaultController(TrainingPauseFault pause) {
        this.pause = pause;
    }

    /** Pauses for {@code seconds}; 400 outside 1 to 600. */
    @PostMapping
    public ResponseEntity<Map<String, Object>> pause(@RequestParam long seconds) {
        try {
            pause.pauseFor(Duration.ofSeconds(seconds));
        } catch (IllegalArgumentException e) {
            return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
        }
        return ResponseEntity.ok(Map.of("paused", pause.isPaused(), "seconds", seconds));
    }

    /** Ends the pause. */
    @DeleteMapping
    public Map<String, Object> resume() {
        pause.resume();
        return Map.of("paused", pause.isPaused());
    }
}
