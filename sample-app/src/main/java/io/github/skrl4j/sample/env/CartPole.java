package io.github.skrl4j.sample.env;

import java.util.SplittableRandom;

/**
 * CartPole-v1 exactly as Gymnasium defines it ({@code gymnasium.envs.classic_control.CartPoleEnv}
 * behind a {@code TimeLimit} of 500 steps): a pole hinged on a cart, pushed left or right with a
 * fixed force, integrated with explicit Euler.
 *
 * <p>Observation: {@code [x, x_dot, theta, theta_dot]}. Actions: 0 pushes left, 1 pushes right.
 * Every step earns reward 1, the terminating one included. An episode terminates when
 * {@code |x| > 2.4} or {@code |theta| > 12 degrees} and is truncated after 500 steps. Reset draws all
 * four state variables uniformly from {@code [-0.05, 0.05)} with this environment's own seeded
 * generator, so a seed fixes every episode.
 *
 * <p>The state is kept in double precision, as Gymnasium keeps it in Python floats; observations
 * are handed out as float32, as Gymnasium's observation space is.
 */
public final class CartPole {

    /** Gravity, m/s^2. */
    public static final double GRAVITY = 9.8;
    /** Cart mass, kg. */
    public static final double MASS_CART = 1.0;
    /** Pole mass, kg. */
    public static final double MASS_POLE = 0.1;
    /** Total mass, kg. */
    public static final double TOTAL_MASS = MASS_POLE + MASS_CART;
    /** Half the pole's length, m (Gymnasium's {@code length}). */
    public static final double HALF_LENGTH = 0.5;
    /** Pole mass times half-length. */
    public static final double POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
    /** Magnitude of the push, N. */
    public static final double FORCE_MAG = 10.0;
    /** Seconds between state updates. */
    public static final double TAU = 0.02;
    /** Pole angle beyond which the episode terminates: 12 degrees, in radians, as Gymnasium writes it. */
    public static final double THETA_THRESHOLD_RADIANS = 12 * 2 * Math.PI / 360;
    /** Cart position beyond which the episode terminates, m. */
    public static final double X_THRESHOLD = 2.4;
    /** Gymnasium's {@code max_episode_steps} for CartPole-v1. */
    public static final int MAX_EPISODE_STEPS = 500;
    /** Gymnasium's {@code reward_threshold} for CartPole-v1: the 100-episode mean return that counts as solved. */
    public static final double REWARD_THRESHOLD = 475.0;
    /** Size of the observation. */
    public static final int OBSERVATION_SIZE = 4;
    /** Number of discrete actions. */
    public static final int ACTION_COUNT = 2;

    private static final double RESET_BOUND = 0.05;

    private final SplittableRandom random;
    private final double[] state = new double[OBSERVATION_SIZE];
    private int elapsedSteps;
    private boolean needsReset = true;

    /** A CartPole whose resets are drawn from a generator seeded with {@code seed}. */
    public CartPole(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Starts an episode: every state variable uniform in {@code [-0.05, 0.05)}; returns the observation. */
    public float[] reset() {
        for (int i = 0; i < state.length; i++) {
            state[i] = -RESET_BOUND + 2 * RESET_BOUND * random.nextDouble();
        }
        elapsedSteps = 0;
        needsReset = false;
        return observation();
    }

    /**
     * Starts an episode from a given state (for tests and replays), returning its observation.
     *
     * @param x        cart position
     * @param xDot     cart velocity
     * @param theta    pole angle, radians
     * @param thetaDot pole angular velocity
     */
    public float[] resetTo(double x, double xDot, double theta, double thetaDot) {
        state[0] = x;
        state[1] = xDot;
        state[2] = theta;
        state[3] = thetaDot;
        elapsedSteps = 0;
        needsReset = false;
        return observation();
    }

    /**
     * Applies one push and advances the physics by {@link #TAU}.
     *
     * @param action 0 (push left) or 1 (push right)
     * @throws IllegalArgumentException for any other action
     * @throws IllegalStateException    if the episode ended and {@link #reset()} was not called
     */
    public StepResult step(int action) {
        if (action != 0 && action != 1) {
            throw new IllegalArgumentException("CartPole action must be 0 or 1, was " + action);
        }
        if (needsReset) {
            throw new IllegalStateException("CartPole episode is over (or never started): call reset() first");
        }
        double x = state[0];
        double xDot = state[1];
        double theta = state[2];
        double thetaDot = state[3];
        double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
        double cosTheta = Math.cos(theta);
        double sinTheta = Math.sin(theta);

        // Florian's corrected equations, as Gymnasium cites them (coins.ece.cmu.edu/~florian)
        double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sinTheta) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sinTheta - cosTheta * temp)
                / (HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cosTheta * cosTheta / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cosTheta / TOTAL_MASS;

        // kinematics_integrator = "euler": positions move with the old velocities
        state[0] = x + TAU * xDot;
        state[1] = xDot + TAU * xAcc;
        state[2] = theta + TAU * thetaDot;
        state[3] = thetaDot + TAU * thetaAcc;
        elapsedSteps++;

        boolean terminated = state[0] < -X_THRESHOLD || state[0] > X_THRESHOLD
                || state[2] < -THETA_THRESHOLD_RADIANS || state[2] > THETA_THRESHOLD_RADIANS;
        // Gymnasium's TimeLimit reports truncation on the 500th step whether or not it also terminated
        boolean truncated = elapsedSteps >= MAX_EPISODE_STEPS;
        needsReset = terminated || truncated;
        return new StepResult(observation(), 1.0f, terminated, truncated);
    }

    /** Steps taken in the current episode. */
    public int elapsedSteps() {
        return elapsedSteps;
    }

    /** A copy of the double-precision state {@code [x, x_dot, theta, theta_dot]}. */
    public double[] state() {
        return state.clone();
    }

    private float[] observation() {
        float[] obs = new float[OBSERVATION_SIZE];
        for (int i = 0; i < OBSERVATION_SIZE; i++) {
            obs[i] = (float) state[i];
        }
        return obs;
    }
}
