/**
 * The sample application: a Spring Boot service that trains CartPole with PPO on skrl4j's Adam.
 */
@NullMarked
package io.github.skrl4j.sample;

import org.jspecify.annotations.NullMarked;
