package io.github.skrl4j.sample.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.ForwardingCollective;
import io.github.skrl4j.adam.distributed.LocalCollectives;
import io.github.skrl4j.adam.schedule.KLAdaptiveLR;
import io.github.skrl4j.sample.env.CartPole;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Short seeded PPO runs: learning happens, runs repeat exactly, the optimizers are driven as skrl drives them. */
class PpoTrainingTest {

    private static final LearningRateAdapter KL_ADAPTIVE = KLAdaptiveLR.defaults()::next;

    private static PpoAgent agent(PpoSettings settings, long seed) {
        return PpoAgent.create(settings, new SplittableRandom(seed), (name, model) -> Adam.builder().name(name)
                .lr(1e-3).gradNormClip(0.5).scale(!name.equals(PpoAgent.POLICY)).build().init(model), KL_ADAPTIVE);
    }

    private static PpoTrainer trainer(PpoAgent agent, long seed, long budget, TrainingListener listener) {
        return new PpoTrainer(agent, new CartPole(seed), new SplittableRandom(seed + 1), new TrainingProgress(), budget,
                CartPole.REWARD_THRESHOLD, listener);
    }

    @Test
    void meanReturnRisesWellAboveRandomWithinTwentyUpdates() {
        List<EpisodeStats> episodes = new ArrayList<>();
        PpoAgent agent = agent(PpoSettings.cartPole(), 42);
        PpoTrainer trainer = trainer(agent, 42, 20 * 1024, new TrainingListener() {
            @Override
            public void onEpisode(EpisodeStats episode) {
                episodes.add(episode);
            }
        });
        PpoTrainer.Outcome outcome = trainer.run(() -> false);

        assertThat(outcome).isEqualTo(PpoTrainer.Outcome.BUDGET_EXHAUSTED);
        assertThat(trainer.progress().environmentSteps()).isEqualTo(20 * 1024);
        // a random policy balances about 22 steps; the first episodes are that short
        double firstTen = episodes.subList(0, 10).stream().mapToDouble(EpisodeStats::episodeReturn).average()
                .orElseThrow();
        assertThat(firstTen).isLessThan(60);
        assertThat(trainer.progress().meanReturn100()).isGreaterThan(120);
        assertThat(episodes).allSatisfy(e -> assertThat(e.length()).isEqualTo((int) e.episodeReturn()));
    }

    @Test
    void sameSeedSameRunExactly() {
        PpoSettings settings = new PpoSettings(256, 3, 4, 0.99, 0.95, 0.2, 0.2, true, 0.01, 0.5, true);
        PpoAgent a = agent(settings, 7);
        PpoAgent b = agent(settings, 7);
        List<UpdateStats> statsA = new ArrayList<>();
        List<UpdateStats> statsB = new ArrayList<>();
        trainer(a, 7, 5 * 256, recordUpdates(statsA)).run(() -> false);
        trainer(b, 7, 5 * 256, recordUpdates(statsB)).run(() -> false);
        assertThat(statsA).hasSize(5).isEqualTo(statsB);
        assertThat(a.policy().parameters().contentEquals(b.policy().parameters())).isTrue();
        assertThat(a.value().parameters().contentEquals(b.value().parameters())).isTrue();
        assertThat(a.policyOptimizer().state().mu().contentEquals(b.policyOptimizer().state().mu())).isTrue();
    }

    @Test
    void everyMiniBatchStepsBothOptimizersAndTheKlMovesThePolicyRate() {
        PpoSettings settings = new PpoSettings(128, 4, 2, 0.99, 0.95, 0.2, 0.2, false, 0.0, 1.0, true);
        List<Double> seen = new ArrayList<>();
        LearningRateAdapter recording = (lr, kl) -> {
            seen.add(kl);
            return lr * 2;
        };
        PpoAgent agent = PpoAgent.create(settings, new SplittableRandom(3), (name, model) -> Adam.builder()
                .name(name).lr(1e-3).gradNormClip(0.5).scale(!name.equals(PpoAgent.POLICY)).build().init(model),
                recording);
        Tensors valueBefore = agent.value().parameters().copy();
        trainer(agent, 3, 128, new TrainingListener() { }).run(() -> false);

        assertThat(agent.policyOptimizer().count()).isEqualTo(8);
        assertThat(agent.valueOptimizer().count()).isEqualTo(8);
        // one adaptation per epoch, from that epoch's mean KL; the policy's steps used the adapted rates
        assertThat(seen).hasSize(4).allSatisfy(kl -> assertThat(kl).isPositive().isLessThan(1.0));
        assertThat(agent.policyLearningRate()).isEqualTo(1e-3 * 16);
        assertThat(agent.policyOptimizer().lastLearningRate()).isEqualTo(1e-3 * 8);
        assertThat(agent.valueOptimizer().lastLearningRate()).isEqualTo(1e-3);
        assertThat(agent.value().parameters().contentEquals(valueBefore)).isFalse();
    }

    @Test
    void replicasAverageEachMiniBatchInOneExchangeAndTheEpochsKlRidesWithTheLast() throws Exception {
        PpoSettings settings = new PpoSettings(128, 3, 2, 0.99, 0.95, 0.2, 0.2, false, 0.0, 1.0, true);
        List<Collective> world = LocalCollectives.create(2);
        List<List<Double>> klsSeen = List.of(new ArrayList<>(), new ArrayList<>());
        AtomicInteger[] exchanges = {new AtomicInteger(), new AtomicInteger()};
        PpoAgent[] agents = new PpoAgent[2];
        for (int rank = 0; rank < 2; rank++) {
            List<Double> seen = klsSeen.get(rank);
            agents[rank] = PpoAgent.create(settings, new SplittableRandom(5), (name, model) -> Adam.builder()
                    .name(name).lr(1e-3).gradNormClip(0.5).build().init(model), (lr, kl) -> {
                        seen.add(kl);
                        return lr * (1 + kl);
                    });
            Collective replica = world.get(rank);
            AtomicInteger count = exchanges[rank];
            agents[rank].distributeOver(new ForwardingCollective() {
                @Override
                protected Collective delegate() {
                    return replica;
                }

                @Override
                public void allReduceMean(Tensors gradients) {
                    count.incrementAndGet();
                    super.allReduceMean(gradients);
                }
            });
        }
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            List<Future<PpoTrainer.Outcome>> runs = new ArrayList<>();
            for (int rank = 0; rank < 2; rank++) {
                // each replica its own environment seed: different rollouts, different local KLs
                PpoTrainer trainer = trainer(agents[rank], 100 + rank, 128, new TrainingListener() { });
                runs.add(replicas.submit(() -> trainer.run(() -> false)));
            }
            for (Future<PpoTrainer.Outcome> run : runs) {
                assertThat(run.get(60, TimeUnit.SECONDS)).isEqualTo(PpoTrainer.Outcome.BUDGET_EXHAUSTED);
            }
        } finally {
            replicas.shutdownNow();
            world.forEach(Collective::close);
        }

        // one all-reduce per mini-batch, none of its own for an epoch's KL
        assertThat(exchanges[0].get()).isEqualTo(3 * 2);
        assertThat(exchanges[1].get()).isEqualTo(3 * 2);
        // both replicas adapted their rates from the same (averaged) KLs, so they stepped alike
        assertThat(klsSeen.get(0)).hasSize(3).isEqualTo(klsSeen.get(1));
        assertThat(klsSeen.get(0)).allSatisfy(kl -> assertThat(kl).isPositive());
        assertThat(agents[0].policyLearningRate()).isEqualTo(agents[1].policyLearningRate());
        assertThat(agents[0].policy().parameters().contentEquals(agents[1].policy().parameters())).isTrue();
        assertThat(agents[0].value().parameters().contentEquals(agents[1].value().parameters())).isTrue();
    }

    @Test
    void stopRequestEndsTheRunAtOnce() {
        PpoAgent agent = agent(PpoSettings.cartPole(), 1);
        int[] asked = {0};
        PpoTrainer.Outcome outcome = trainer(agent, 1, 1_000_000, new TrainingListener() { })
                .run(() -> ++asked[0] > 10);
        assertThat(outcome).isEqualTo(PpoTrainer.Outcome.STOPPED);
        assertThat(agent.policyOptimizer().count()).isZero();
    }

    @Test
    void settingsNameTheBadValue() {
        assertThatThrownBy(() -> new PpoSettings(1000, 10, 16, 0.99, 0.95, 0.2, 0.2, false, 0, 0.5, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("miniBatches");
        assertThatThrownBy(() -> new PpoSettings(1024, 10, 16, 1.5, 0.95, 0.2, 0.2, false, 0, 0.5, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("discountFactor");
    }

    @Test
    void anOptimizerMadeForAnotherNetworkIsRefused() {
        PpoAgent agent = agent(PpoSettings.cartPole(), 1);
        assertThatThrownBy(() -> new PpoAgent(PpoSettings.cartPole(), agent.policy(), agent.value(),
                agent.valueOptimizer(), agent.policyOptimizer(), KL_ADAPTIVE, 1e-3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optimizer 'value'");
    }

    private static TrainingListener recordUpdates(List<UpdateStats> into) {
        return new TrainingListener() {
            @Override
            public void onUpdate(UpdateStats update, TrainingProgress progress) {
                into.add(update);
            }
        };
    }
}
