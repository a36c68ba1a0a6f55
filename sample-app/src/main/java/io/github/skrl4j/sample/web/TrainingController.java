package io.github.skrl4j.sample.web;

import io.github.skrl4j.sample.training.TrainingRecorder;
import io.github.skrl4j.sample.training.TrainingService;
import io.github.skrl4j.sample.training.TrainingSnapshot;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The training run as JSON: its state, and the chart series in increments. */
@RestController
@RequestMapping("/api/training")
public class TrainingController {

    private final TrainingService service;
    private final TrainingRecorder recorder;

    public TrainingController(TrainingService service, TrainingRecorder recorder) {
        this.service = service;
        this.recorder = recorder;
    }

    /** Status, counters, elapsed time and both optimizers. */
    @GetMapping
    public TrainingSnapshot training() {
        return service.snapshot();
    }

    /**
     * The chart points recorded after the first {@code episodesSince} episodes and {@code updatesSince}
     * updates, so a polling page fetches only what is new.
     *
     * @param episodes     the episodes recorded after {@code episodesSince}
     * @param updates      the updates recorded after {@code updatesSince}
     * @param episodeCount episodes recorded in all: the next {@code episodesSince}
     * @param updateCount  updates recorded in all: the next {@code updatesSince}
     */
    public record Series(TrainingSnapshot training, List<TrainingRecorder.EpisodePoint> episodes,
            List<TrainingRecorder.UpdatePoint> updates, int episodeCount, int updateCount) {
    }

    /** New chart points, with the current state so one request serves a poll. */
    @GetMapping("/series")
    public Series series(@RequestParam(defaultValue = "0") int episodesSince,
            @RequestParam(defaultValue = "0") int updatesSince) {
        TrainingSnapshot snapshot = service.snapshot();
        TrainingRecorder.Slice<TrainingRecorder.EpisodePoint> episodes = recorder.episodesFrom(episodesSince);
        TrainingRecorder.Slice<TrainingRecorder.UpdatePoint> updates = recorder.updatesFrom(updatesSince);
        return new Series(snapshot, episodes.points(), updates.points(), episodes.next(), updates.next());
    }
}
