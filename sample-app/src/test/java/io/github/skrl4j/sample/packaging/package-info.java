/** Checks of the packaged, executable jar as the README starts it. */
package io.github.skrl4j.sample.packaging;
