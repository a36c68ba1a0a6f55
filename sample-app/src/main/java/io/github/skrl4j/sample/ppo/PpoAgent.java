package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.sample.env.CartPole;
import io.github.skrl4j.sample.nn.Categorical;
import io.github.skrl4j.sample.nn.Mlp;
import io.github.skrl4j.sample.nn.MlpPass;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * skrl's PPO agent for a discrete action space with separate policy and value networks
 * ({@code 4-64-64} tanh MLPs), each trained by its own optimizer.
 *
 * <p>An update does what skrl's {@code PPO._update} does: GAE over the rollout; then for each
 * learning epoch, for each mini-batch, one policy step (clipped surrogate) and one value step; after
 * each epoch the policy's learning rate moves with the epoch's mean KL divergence. The policy
 * optimizer is stepped with that learning rate when its settings have {@code scale = false}, the value
 * optimizer with its configured lr; an optimizer with {@code scale = true} applies its own
 * ({@link StepForm} chooses).
 *
 * <p>Trained data-parallel ({@link #distributeOver}), every gradient is averaged over the replicas
 * before its step and so is each epoch's KL, so that every replica takes the same steps at the same
 * learning rates.
 */
public final class PpoAgent {

    /** Name of the policy network and of its optimizer. */
    public static final String POLICY = "policy";
    /** Name of the value network and of its optimizer. */
    public static final String VALUE = "value";
    /** Hidden layer width. */
    public static final int HIDDEN_UNITS = 64;

    private static final int OBS = CartPole.OBSERVATION_SIZE;
    private static final int ACTIONS = CartPole.ACTION_COUNT;

    /** Layer sizes of the policy network: observation, two hidden layers, one logit per action. */
    public static int[] policyLayers() {
        return new int[] {OBS, HIDDEN_UNITS, HIDDEN_UNITS, ACTIONS};
    }

    /** Layer sizes of the value network: observation, two hidden layers, one value. */
    public static int[] valueLayers() {
        return new int[] {OBS, HIDDEN_UNITS, HIDDEN_UNITS, 1};
    }

    private final PpoSettings settings;
    private final Mlp policy;
    private final Mlp value;
    private final Optimizer policyOptimizer;
    private final Optimizer valueOptimizer;
    private final LearningRateAdapter learningRateAdapter;
    private volatile double policyLearningRate;

    private final MlpPass policyActPass;
    private final MlpPass valueActPass;
    private final MlpPass policyTrainPass;
    private final MlpPass valueTrainPass;
    private final int batch;
    private final float[] batchStates;
    private final int[] batchActions;
    private final float[] batchLogProbs;
    private final float[] batchValues;
    private final float[] batchReturns;
    private final float[] batchAdvantages;
    private final double[] logitGradients;
    private final double[] valueGradients;
    private final int[] order;
    private long updates;
    private @Nullable Collective collective;
    private @Nullable Tensors bothGradients;
    /** {@link #bothGradients} and {@link #epochKl}: an epoch's last all-reduce. */
    private @Nullable Tensors bothGradientsAndKl;
    private final Tensors epochKl = Tensors.of(Tensor.zeros("kl", 1));

    /**
     * An agent over existing networks and optimizers (fresh or restored from a checkpoint).
     *
     * @param policyLearningRate the policy learning rate to start from (the KL-adapted value when resuming)
     */
    public PpoAgent(PpoSettings settings, Mlp policy, Mlp value, Optimizer policyOptimizer, Optimizer valueOptimizer,
            LearningRateAdapter learningRateAdapter, double policyLearningRate) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.policy = checkShape(policy, ACTIONS);
        this.value = checkShape(value, 1);
        this.policyOptimizer = checkBinding(policyOptimizer, policy);
        this.valueOptimizer = checkBinding(valueOptimizer, value);
        this.learningRateAdapter = Objects.requireNonNull(learningRateAdapter, "learningRateAdapter");
        if (!(policyLearningRate >= 0) || Double.isInfinite(policyLearningRate)) {
            throw new IllegalArgumentException("policy learning rate must be finite and >= 0, was "
                    + policyLearningRate);
        }
        this.policyLearningRate = policyLearningRate;
        this.batch = settings.miniBatchSize();
        this.policyActPass = policy.newPass(1);
        this.valueActPass = value.newPass(1);
        this.policyTrainPass = policy.newPass(batch);
        this.valueTrainPass = value.newPass(batch);
        this.batchStates = new float[batch * OBS];
        this.batchActions = new int[batch];
        this.batchLogProbs = new float[batch];
        this.batchValues = new float[batch];
        this.batchReturns = new float[batch];
        this.batchAdvantages = new float[batch];
        this.logitGradients = new double[batch * ACTIONS];
        this.valueGradients = new double[batch];
        this.order = new int[settings.rollouts()];
    }

    /**
     * A fresh agent: both networks initialised from {@code random}, the optimizers taken from
     * {@code optimizers} under the names {@value #POLICY} and {@value #VALUE}; the policy starts at
     * its optimizer's configured learning rate.
     */
    public static PpoAgent create(PpoSettings settings, SplittableRandom random, OptimizerSource optimizers,
            LearningRateAdapter learningRateAdapter) {
        Mlp policy = Mlp.initialize(POLICY, random, policyLayers());
        Mlp value = Mlp.initialize(VALUE, random, valueLayers());
        Optimizer policyOptimizer = optimizers.create(POLICY, policy);
        Optimizer valueOptimizer = optimizers.create(VALUE, value);
        return new PpoAgent(settings, policy, value, policyOptimizer, valueOptimizer, learningRateAdapter,
                policyOptimizer.config().lr());
    }

    private static Mlp checkShape(Mlp mlp, int outputs) {
        Objects.requireNonNull(mlp, "network");
        int[] sizes = mlp.layerSizes();
        if (sizes[0] != OBS || mlp.outputSize() != outputs) {
            throw new IllegalArgumentException("network '" + mlp.name() + "' must map " + OBS + " inputs to "
                    + outputs + " outputs, has layer sizes " + java.util.Arrays.toString(sizes));
        }
        return mlp;
    }

    private static Optimizer checkBinding(Optimizer optimizer, Mlp mlp) {
        Objects.requireNonNull(optimizer, "optimizer");
        if (!optimizer.parameterNames().equals(mlp.parameters().names())) {
            throw new IllegalArgumentException("optimizer '" + optimizer.name() + "' was made for parameters "
                    + optimizer.parameterNames() + ", not for network '" + mlp.name() + "' "
                    + mlp.parameters().names());
        }
        return optimizer;
    }

    /**
     * Trains data-parallel from now on: every mini-batch's gradients and every epoch's KL are averaged
     * over {@code collective}'s replicas (all of which must run the same updates). {@code null} trains alone.
     */
    public void distributeOver(@Nullable Collective collective) {
        this.collective = collective;
    }

    /** An action drawn from the policy and its log-probability. */
    public record Decision(int action, double logProb) {
    }

    /** Samples an action for {@code observation} from the categorical policy. */
    public Decision act(float[] observation, SplittableRandom random) {
        double[] logits = policyActPass.forward(observation, 1);
        double lse = Categorical.logSumExp(logits, 0, ACTIONS);
        int action = Categorical.sample(logits, 0, ACTIONS, lse, random);
        return new Decision(action, Categorical.logProb(logits, 0, action, lse));
    }

    /** The most probable action: the trained policy without exploration. */
    public int greedyAction(float[] observation) {
        return Categorical.mode(policyActPass.forward(observation, 1), 0, ACTIONS);
    }

    /** V(observation). */
    public double value(float[] observation) {
        return valueActPass.forward(observation, 1)[0];
    }

    /**
     * One PPO update over a full rollout.
     *
     * @param rollout          the collected steps (their rewards already bootstrapped at time limits)
     * @param nextObservation  the observation after the rollout's last step
     * @param random           shuffles the mini-batches
     */
    public UpdateStats update(RolloutBuffer rollout, float[] nextObservation, SplittableRandom random) {
        if (rollout.size() != settings.rollouts()) {
            throw new IllegalArgumentException("update needs " + settings.rollouts() + " steps, rollout has "
                    + rollout.size());
        }
        Gae.compute(rollout, value(nextObservation), settings.discountFactor(), settings.lambda());

        double policyLossSum = 0;
        double valueLossSum = 0;
        double entropySum = 0;
        double policyNormSum = 0;
        double valueNormSum = 0;
        double lastEpochKl = 0;
        int steps = 0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < settings.learningEpochs(); epoch++) {
            shuffle(random);
            double klSum = 0;
            for (int mb = 0; mb < settings.miniBatches(); mb++) {
                gather(rollout, mb * batch);

                double[] logits = policyTrainPass.forward(batchStates, batch);
                PpoLosses.PolicyLoss policyLoss = PpoLosses.policy(logits, batch, ACTIONS, batchActions,
                        batchLogProbs, batchAdvantages, settings.ratioClip(), settings.entropyLossScale(),
                        logitGradients);
                Tensors policyGrad = policyTrainPass.backward(logitGradients);

                // the value network shares nothing with the policy's step, so both gradients exist
                // before either step, and replicas average them in one all-reduce
                double[] predicted = valueTrainPass.forward(batchStates, batch);
                double valueLoss = PpoLosses.value(predicted, batch, batchValues, batchReturns,
                        settings.valueLossScale(), settings.clipPredictedValues(), settings.valueClip(),
                        valueGradients);
                Tensors valueGrad = valueTrainPass.backward(valueGradients);
                klSum += policyLoss.kl();
                boolean lastOfEpoch = mb == settings.miniBatches() - 1;
                averageOverReplicas(policyGrad, valueGrad, lastOfEpoch, klSum / settings.miniBatches());

                StepForm.step(policyOptimizer, policyGrad, policy, policyLearningRate);
                StepForm.step(valueOptimizer, valueGrad, value, valueLearningRate());

                policyLossSum += policyLoss.loss();
                entropySum += policyLoss.entropy();
                valueLossSum += valueLoss;
                policyNormSum += policyOptimizer.lastGradientNorm();
                valueNormSum += valueOptimizer.lastGradientNorm();
                steps++;
            }
            // alone the epoch's own mean; over replicas the mean of theirs, averaged with the epoch's last gradients
            lastEpochKl = collective == null ? klSum / settings.miniBatches() : epochKl.get(0).data()[0];
            policyLearningRate = learningRateAdapter.next(policyLearningRate, lastEpochKl);
        }
        updates++;
        return new UpdateStats(updates, policyLossSum / steps, valueLossSum / steps, entropySum / steps,
                lastEpochKl, policyLearningRate, valueOptimizer.lastLearningRate(), policyNormSum / steps,
                valueNormSum / steps);
    }

    /**
     * Both networks' gradients, averaged in place over the replicas in one all-reduce; on an epoch's
     * last mini-batch ({@code withEpochKl}) this replica's mean KL of the epoch rides in the same
     * exchange and {@link #epochKl} holds the replicas' mean (rounded to float) afterwards, so that every
     * replica adapts the learning rate alike without an exchange of its own. An all-reduce is
     * element-wise, so the fused exchange gives each value the bits a separate one would.
     */
    private void averageOverReplicas(Tensors policyGrad, Tensors valueGrad, boolean withEpochKl, double localEpochKl) {
        Collective c = collective;
        if (c == null) {
            return;
        }
        Tensors both = bothGradients;
        if (both == null || both.get(0) != policyGrad.get(0) || both.get(policyGrad.size()) != valueGrad.get(0)) {
            // the passes hand back the same gradient tensors every time: built once
            List<Tensor> tensors = new ArrayList<>(policyGrad.asList());
            tensors.addAll(valueGrad.asList());
            both = Tensors.of(tensors);
            tensors.add(epochKl.get(0));
            bothGradients = both;
            bothGradientsAndKl = Tensors.of(tensors);
        }
        if (withEpochKl) {
            epochKl.get(0).data()[0] = (float) localEpochKl;
            c.allReduceMean(Objects.requireNonNull(bothGradientsAndKl));
        } else {
            c.allReduceMean(both);
        }
    }

    private void shuffle(SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private void gather(RolloutBuffer rollout, int start) {
        for (int b = 0; b < batch; b++) {
            int i = order[start + b];
            System.arraycopy(rollout.states, i * OBS, batchStates, b * OBS, OBS);
            batchActions[b] = rollout.actions[i];
            batchLogProbs[b] = rollout.logProbs[i];
            batchValues[b] = rollout.values[i];
            batchReturns[b] = rollout.returns[i];
            batchAdvantages[b] = rollout.advantages[i];
        }
    }

    /** The settings. */
    public PpoSettings settings() {
        return settings;
    }

    /** The policy network. */
    public Mlp policy() {
        return policy;
    }

    /** The value network. */
    public Mlp value() {
        return value;
    }

    /** The policy's optimizer. */
    public Optimizer policyOptimizer() {
        return policyOptimizer;
    }

    /** The value network's optimizer. */
    public Optimizer valueOptimizer() {
        return valueOptimizer;
    }

    /** The learning rate the policy's next step uses (adapted by KL after every epoch). */
    public double policyLearningRate() {
        return policyLearningRate;
    }

    /** The learning rate the value optimizer's steps are handed: its configured lr (used when its scale is false). */
    public double valueLearningRate() {
        return valueOptimizer.config().lr();
    }

    /** Updates done by this agent object (not counting those before a resume). */
    public long updates() {
        return updates;
    }
}
