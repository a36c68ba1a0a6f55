/**
 * skrl's JAX Adam (Optax Adam with global-norm clipping) for the JVM. Exports the API packages only;
 * the {@code internal} packages (pipeline, kernels, checkpoint format) may change in any release and
 * are not readable from other modules.
 *
 * <p>{@code jdk.incubator.vector} is optional and deliberately not named here: started with
 * {@code --add-modules jdk.incubator.vector}, the JVM resolves it, the kernel chooser makes this
 * module read it and the vector kernel is used; without it the portable kernel runs and the incubator
 * module is never loaded. (A {@code requires static} would make javac and javadoc warn "using
 * incubating module(s)" in every modular build that reads this module, failing those that treat
 * warnings as errors.)
 */
module io.github.skrl4j.adam {
    // the kernel warm-up reads the thread's allocated bytes where the runtime image has these modules;
    // without them it goes by speed alone (WarmingKernel)
    requires static java.management;
    requires static jdk.management;
    // nullness annotations: read by the compilers of this module's users, not needed at run time
    requires static transitive org.jspecify;

    exports io.github.skrl4j.adam;
    exports io.github.skrl4j.adam.schedule;
}
