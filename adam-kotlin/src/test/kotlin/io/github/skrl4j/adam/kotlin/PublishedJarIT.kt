package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.testsupport.PublishedJarChecks
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import java.util.jar.JarFile

/**
 * adam-kotlin's jars as users, build tools and IDEs get them: the checks of every published jar (module
 * name, licence, sources, javadoc), then what is Kotlin's own: the module metadata, the Kotlin sources
 * and Dokka's pages with their KDoc.
 */
class PublishedJarIT : PublishedJarChecks("io.github.skrl4j.adam.kotlin") {

    @Test
    fun `the module holds its one package and Kotlin's module metadata`() {
        assertThat(module().packages()).containsExactly("io.github.skrl4j.adam.kotlin")
        JarFile(jar.toFile()).use { jar ->
            // the Kotlin compiler finds top-level functions such as adam { } through this file
            assertThat(jar.getJarEntry("META-INF/adam-kotlin.kotlin_module")).isNotNull()
        }
    }

    @Test
    fun `the sources jar holds the Kotlin sources`() {
        JarFile(sibling("sources").toFile()).use { sources ->
            assertThat(text(sources, "io/github/skrl4j/adam/kotlin/AdamDsl.kt")).contains("public class AdamSpec")
        }
    }

    @Test
    fun `the javadoc jar holds Dokka's pages of the Kotlin API with their KDoc`() {
        JarFile(sibling("javadoc").toFile()).use { docs ->
            val page = text(docs, "adam-kotlin/io.github.skrl4j.adam.kotlin/-adam-spec/index.html")
            assertThat(page).contains("AdamSpec", "starting at skrl's and Optax's defaults")
            val adam = text(docs, "adam-kotlin/io.github.skrl4j.adam.kotlin/adam.html").replace(Regex("<[^>]+>"), "")
            assertThat(adam).contains("fun adam(block: ", "threads sharing the work on a large tensor")
            // the configured footer, not Dokka's default, which carries the year of the build
            assertThat(text(docs, "index.html")).contains("skrl4j, Apache License 2.0").doesNotContain("Copyright")
        }
    }
}
