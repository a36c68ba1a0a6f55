package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.schedule.KLAdaptiveLR;
import io.github.skrl4j.sample.env.CartPole;
import java.util.SplittableRandom;

/**
 * Measures time-to-solve without Spring, with the same settings and seeding as the application:
 * {@code java -cp <test classpath> io.github.skrl4j.sample.ppo.TimeToSolve 42 1 2 3}. Not a test:
 * tests never time things; this prints one line per seed.
 */
public final class TimeToSolve {

    private TimeToSolve() {
    }

    public static void main(String[] args) {
        long[] seeds = args.length == 0 ? new long[] {42} : java.util.Arrays.stream(args).mapToLong(Long::parseLong)
                .toArray();
        for (long seed : seeds) {
            SplittableRandom master = new SplittableRandom(seed);
            PpoAgent agent = PpoAgent.create(PpoSettings.cartPole(), master.split(), (name, model) ->
                    Adam.builder().name(name).lr(1e-3).gradNormClip(0.5).scale(!name.equals(PpoAgent.POLICY)).build()
                            .init(model), KLAdaptiveLR.defaults()::next);
            CartPole env = new CartPole(master.nextLong());
            long start = System.nanoTime();
            PpoTrainer trainer = new PpoTrainer(agent, env, master.split(), new TrainingProgress(), 500_000,
                    CartPole.REWARD_THRESHOLD, new TrainingListener() { });
            PpoTrainer.Outcome outcome = trainer.run(() -> false);
            TrainingProgress p = trainer.progress();
            System.out.printf("seed %d: %s after %d episodes, %d steps, %d updates, mean return %.1f, %.1f s%n", seed,
                    outcome, p.episodes(), p.environmentSteps(), p.updates(), p.meanReturn100(),
                    (System.nanoTime() - start) / 1e9);
        }
    }
}
