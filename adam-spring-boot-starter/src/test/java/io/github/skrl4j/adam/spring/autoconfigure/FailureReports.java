package io.github.skrl4j.adam.spring.autoconfigure;

import java.util.List;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * The text Spring Boot prints when a start fails ("APPLICATION FAILED TO START", description and
 * action), made by the same failure analyzers Spring Boot registers, so that a context-runner test
 * sees what the user would see.
 */
final class FailureReports {

    private FailureReports() {
    }

    static String of(Throwable failure) {
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(
                FailureReports.class.getClassLoader()).load(FailureAnalyzer.class,
                        // analyzers that need a bean factory or environment do not apply to binding failures
                        SpringFactoriesLoader.FailureHandler.handleMessage((message, error) -> { }));
        for (FailureAnalyzer analyzer : analyzers) {
            FailureAnalysis analysis = analyzer.analyze(failure);
            if (analysis != null) {
                return "Description:\n\n" + analysis.getDescription() + "\n\nAction:\n\n" + analysis.getAction();
            }
        }
        throw new AssertionError("no failure analyzer explains " + failure, failure);
    }
}
