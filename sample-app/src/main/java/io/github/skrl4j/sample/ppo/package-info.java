/**
 * Proximal Policy Optimization as skrl's PPO agent does it: rollouts, GAE, clipped surrogate and value
 * losses, mini-batches over epochs, a KL-adaptive policy learning rate. Free of Spring.
 */
@NullMarked
package io.github.skrl4j.sample.ppo;

import org.jspecify.annotations.NullMarked;
