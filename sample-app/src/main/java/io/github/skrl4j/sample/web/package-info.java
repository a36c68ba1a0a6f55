/**
 * HTTP: the {@code /api/training} JSON endpoints read by the dashboard.
 */
@NullMarked
package io.github.skrl4j.sample.web;

import org.jspecify.annotations.NullMarked;
