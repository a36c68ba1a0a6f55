package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.spring.actuate.AdamInfoContributor;
import io.github.skrl4j.adam.spring.actuate.OptimizerDescriptor;
import io.github.skrl4j.adam.spring.actuate.OptimizersEndpoint;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

/**
 * The starter's runtime hints cover what it and adam-core reflect on or load by name, and Spring's AOT
 * processing of the auto-configuration picks them up; adam-core's own reachability metadata names
 * classes that exist.
 */
class AdamRuntimeHintsTest {

    private static final String CORE_METADATA =
            "META-INF/native-image/io.github.skrl4j/adam-core/reachability-metadata.json";

    private static RuntimeHints registered() {
        RuntimeHints hints = new RuntimeHints();
        new AdamRuntimeHints().registerHints(hints, AdamRuntimeHintsTest.class.getClassLoader());
        return hints;
    }

    @Test
    void theVectorKernelLoadedByNameCanBeConstructed() {
        assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(AdamRuntimeHints.VECTOR_KERNEL))
                .withMemberCategory(MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS)).accepts(registered());
    }

    @Test
    void theCheckpointMetadataCanReadAndRebuildAdamSettings() throws Exception {
        RuntimeHints hints = registered();
        for (RecordComponent c : AdamSettings.class.getRecordComponents()) {
            assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(c.getAccessor())).as(c.getName())
                    .accepts(hints);
        }
        Class<?>[] types = java.util.Arrays.stream(AdamSettings.class.getRecordComponents())
                .map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<AdamSettings> canonical = AdamSettings.class.getDeclaredConstructor(types);
        assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(canonical)).accepts(hints);
    }

    @Test
    void thePropertiesCanBeBoundAndValidated() throws Exception {
        RuntimeHints hints = registered();
        for (Class<?> type : List.of(AdamProperties.class, AdamInstanceProperties.class, ScheduleProperties.class,
                AdamInstanceProperties.Health.class, DistributedProperties.class)) {
            assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(hints);
        }
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(AdamInstanceProperties.class, "setLr"))
                .accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(AdamInstanceProperties.class, "lr"))
                .accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(ScheduleProperties.class, "decaySteps"))
                .accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(
                Finite.Validator.class.getDeclaredConstructor())).accepts(hints);
    }

    @Test
    void theEndpointRecordsCanBeWrittenAsJsonAndTheVersionResourceRead() {
        RuntimeHints hints = registered();
        for (Class<?> type : List.of(OptimizersEndpoint.OptimizersDescriptor.class, OptimizerDescriptor.class,
                OptimizerDescriptor.Settings.class, OptimizerDescriptor.LastStep.class,
                OptimizerDescriptor.StepKernel.class)) {
            assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(hints);
        }
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(OptimizerDescriptor.Settings.class,
                "parallelism")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(OptimizerDescriptor.StepKernel.class,
                "warmedUpAtStart")).accepts(hints);
        assertThat(RuntimeHintsPredicates.resource().forResource(AdamInfoContributor.VERSION_RESOURCE)).accepts(hints);
    }

    @Test
    void springAotProcessingOfTheAutoConfigurationContributesTheHints() {
        GenericApplicationContext context = new GenericApplicationContext();
        AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
        context.registerBean(AdamAutoConfiguration.class);
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get("io.github.skrl4j.aot", "Test")), new InMemoryGeneratedFiles());
        new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
        assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(AdamRuntimeHints.VECTOR_KERNEL))
                .withMemberCategory(MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS)).accepts(generation.getRuntimeHints());
        assertThat(RuntimeHintsPredicates.resource().forResource(AdamInfoContributor.VERSION_RESOURCE))
                .accepts(generation.getRuntimeHints());
    }

    @Test
    void adamCoresReachabilityMetadataNamesClassesThatExistAndTheKernelItLoadsByName() throws Exception {
        String json;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(CORE_METADATA)) {
            assertThat(in).as(CORE_METADATA + " in adam-core's jar").isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> named = new ArrayList<>();
        Matcher m = Pattern.compile("\"(?:type|typeReached)\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).contains(AdamRuntimeHints.VECTOR_KERNEL, AdamSettings.class.getName());
        for (String name : named) {
            // loaded, not initialized: the vector kernel's class needs jdk.incubator.vector only to run
            assertThat(Class.forName(name, false, getClass().getClassLoader())).as(name).isNotNull();
        }
    }
}
