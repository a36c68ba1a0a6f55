/**
 * Checks of the packaged, executable jar as the README starts it, run by failsafe after {@code package}. Outside
 * {@code io.github.skrl4j.sample} on purpose: a surefire run that selects the sample's tests by package
 * ({@code -Dtest='io.github.skrl4j.sample.**'}) runs before the jar exists and must not pick these up.
 */
package io.github.skrl4j.sampleapp;
