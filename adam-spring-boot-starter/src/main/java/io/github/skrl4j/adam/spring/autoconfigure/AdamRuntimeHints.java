package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.spring.actuate.AdamInfoContributor;
import io.github.skrl4j.adam.spring.actuate.OptimizerDescriptor;
import io.github.skrl4j.adam.spring.actuate.OptimizersEndpoint;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What the starter and adam-core reflect on or load by name, for Spring AOT and GraalVM native
 * images (imported by {@link AdamAutoConfiguration} with {@code @ImportRuntimeHints}):
 * <ul>
 *   <li>adam-core loads its vector kernel by name ({@code Class.forName}, then its public no-argument
 *       constructor) and its checkpoint metadata reads {@link AdamSettings}' record components and calls
 *       its canonical constructor (adam-core's jar also carries this in
 *       {@code META-INF/native-image/io.github.skrl4j/adam-core/reachability-metadata.json}, for
 *       applications without Spring);</li>
 *   <li>the properties are bound as JavaBeans and checked by Hibernate Validator, which reads their
 *       fields and instantiates the {@link Finite} constraint's validator;</li>
 *   <li>the endpoint's records are written as JSON;</li>
 *   <li>the info contributor reads skrl4j's version from a class-path resource.</li>
 * </ul>
 */
final class AdamRuntimeHints implements RuntimeHintsRegistrar {

    /** Loaded by name in adam-core's {@code AdamKernels}. */
    static final String VECTOR_KERNEL = "io.github.skrl4j.adam.internal.kernel.VectorAdamKernel";

    /** The properties types, bound and validated field by field. */
    private static final Class<?>[] PROPERTIES = {AdamProperties.class, AdamInstanceProperties.class,
        AdamInstanceProperties.Health.class, ScheduleProperties.class, AdamProperties.Metrics.class,
        AdamProperties.StepDuration.class, DistributedProperties.class, DistributedProperties.Ssl.class,
        DistributedProperties.DataPlane.class};

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        hints.reflection().registerType(TypeReference.of(VECTOR_KERNEL), MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
        hints.reflection().registerType(AdamSettings.class, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
                MemberCategory.INVOKE_PUBLIC_METHODS);

        BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
        binding.registerReflectionHints(hints.reflection(), PROPERTIES);
        for (Class<?> type : PROPERTIES) {
            hints.reflection().registerType(type, MemberCategory.ACCESS_DECLARED_FIELDS);
        }
        hints.reflection().registerType(Finite.Validator.class, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);

        binding.registerReflectionHints(hints.reflection(), OptimizersEndpoint.OptimizersDescriptor.class,
                OptimizerDescriptor.class, OptimizerDescriptor.Settings.class, OptimizerDescriptor.LastStep.class,
                OptimizerDescriptor.StepKernel.class, Kernels.Kernel.class);

        hints.resources().registerPattern(AdamInfoContributor.VERSION_RESOURCE);
    }
}
