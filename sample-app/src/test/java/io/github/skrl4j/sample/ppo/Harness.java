package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.sample.env.CartPole;
import java.util.SplittableRandom;

/** Phase-1 experiment: java Harness seed rollouts epochs minibatches policyLr valueLr. */
public final class Harness {
    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
        int rollouts = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int mbs = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        double plr = args.length > 4 ? Double.parseDouble(args[4]) : 1e-3;
        double vlr = args.length > 5 ? Double.parseDouble(args[5]) : 1e-3;
        double vscale = args.length > 6 ? Double.parseDouble(args[6]) : 0.5;
        PpoSettings s = new PpoSettings(rollouts, epochs, mbs, 0.99, 0.95, 0.2, 0.2, false, 0.0, vscale, true);
        SplittableRandom master = new SplittableRandom(seed);
        LearningRateAdapter kl = (lr, k) -> k > 2 * 0.008 ? Math.max(lr / 1.5, 1e-6)
                : k < 0.008 / 2 ? Math.min(lr * 1.5, 1e-2) : lr;
        PpoAgent agent = PpoAgent.create(s, master.split(), (name, model) -> name.equals("policy")
                ? Adam.builder().name(name).lr(plr).gradNormClip(0.5).scale(false).build().init(model)
                : Adam.builder().name(name).lr(vlr).gradNormClip(0.5).scale(true).build().init(model), kl);
        CartPole env = new CartPole(master.nextLong());
        long t0 = System.nanoTime();
        PpoTrainer trainer = new PpoTrainer(agent, env, master.split(), new TrainingProgress(), 2_000_000, 475,
                new TrainingListener() {
                    @Override
                    public void onUpdate(UpdateStats u, TrainingProgress p) {
                        if (u.update() % 10 == 0) {
                            System.out.printf("upd %d steps %d eps %d mean100 %.1f kl %.4f lr %.2e gn %.3f/%.3f t=%.1fs%n",
                                    u.update(), p.environmentSteps(), p.episodes(), p.meanReturn100(), u.kl(),
                                    u.policyLearningRate(), u.policyGradientNorm(), u.valueGradientNorm(),
                                    (System.nanoTime() - t0) / 1e9);
                        }
                    }
                });
        PpoTrainer.Outcome outcome = trainer.run(() -> false);
        TrainingProgress p = trainer.progress();
        System.out.printf("RESULT seed=%d outcome=%s steps=%d episodes=%d updates=%d mean100=%.1f time=%.1fs%n",
                seed, outcome, p.environmentSteps(), p.episodes(), p.updates(), p.meanReturn100(),
                (System.nanoTime() - t0) / 1e9);
    }
}
