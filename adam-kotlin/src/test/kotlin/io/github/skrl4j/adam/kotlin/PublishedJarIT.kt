package io.github.skrl4j.adam.kotlin

import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import java.lang.module.ModuleFinder
import java.nio.file.Path
import java.util.jar.JarFile

/**
 * Reads the jars that `package` built (failsafe runs this after it, the main jar's path in
 * `skrl4j.publishedJar`) as a user's JVM, build tool and IDE will: the module name the JVM derives, the
 * licence files, Kotlin's module metadata, and the sources and API docs beside the jar.
 */
class PublishedJarIT {

    private val jar: Path = Path.of(System.getProperty("skrl4j.publishedJar"))

    @Test
    fun `on the module path the jar is the stable automatic module named in its manifest`() {
        assertThat(jar).isRegularFile()
        val modules = ModuleFinder.of(jar).findAll()
        assertThat(modules).hasSize(1)
        val module = modules.single().descriptor()

        // without the manifest entry the JVM would name it after the file: "adam.kotlin"
        assertThat(module.name()).isEqualTo("io.github.skrl4j.adam.kotlin")
        assertThat(module.isAutomatic).isTrue()
        assertThat(module.packages()).containsExactly("io.github.skrl4j.adam.kotlin")
    }

    @Test
    fun `carries the licence, the notice and Kotlin's module metadata`() {
        JarFile(jar.toFile()).use { jar ->
            assertThat(jar.text("META-INF/LICENSE")).contains("Apache License", "Version 2.0, January 2004")
            assertThat(jar.text("META-INF/NOTICE")).contains("skrl4j", "skrl", "Optax", "Gymnasium")
            assertThat(jar.manifest.mainAttributes.getValue("Automatic-Module-Name"))
                .isEqualTo("io.github.skrl4j.adam.kotlin")
            // the Kotlin compiler finds top-level functions such as adam { } through this file
            assertThat(jar.getJarEntry("META-INF/adam-kotlin.kotlin_module")).isNotNull()
        }
    }

    @Test
    fun `the sources jar holds the Kotlin sources`() {
        JarFile(sibling("sources").toFile()).use { sources ->
            assertThat(sources.text("io/github/skrl4j/adam/kotlin/AdamDsl.kt"))
                .contains("public class AdamSpec")
            assertThat(sources.text("META-INF/LICENSE")).contains("Apache License")
            assertThat(sources.text("META-INF/NOTICE")).contains("skrl4j")
        }
    }

    @Test
    fun `the javadoc jar holds Dokka's pages of the Kotlin API with their KDoc`() {
        JarFile(sibling("javadoc").toFile()).use { docs ->
            val page = docs.text("adam-kotlin/io.github.skrl4j.adam.kotlin/-adam-spec/index.html")
            assertThat(page).contains("AdamSpec", "starting at skrl's and Optax's defaults")
            val adam = docs.text("adam-kotlin/io.github.skrl4j.adam.kotlin/adam.html").replace(Regex("<[^>]+>"), "")
            assertThat(adam).contains("fun adam(block: ", "threads sharing the work on a large tensor")
            // the configured footer, not Dokka's default, which carries the year of the build
            assertThat(docs.text("index.html")).contains("skrl4j, Apache License 2.0").doesNotContain("Copyright")
            assertThat(docs.text("META-INF/LICENSE")).contains("Apache License")
            assertThat(docs.text("META-INF/NOTICE")).contains("skrl4j")
            // API docs, not a second copy of the classes
            assertThat(docs.stream().map { it.name }.filter { it.endsWith(".class") }.toList()).isEmpty()
        }
    }

    private fun sibling(classifier: String): Path =
        jar.resolveSibling(jar.fileName.toString().removeSuffix(".jar") + "-$classifier.jar")

    private fun JarFile.text(name: String): String {
        val entry = getJarEntry(name)
        assertThat(entry).`as`(name).isNotNull()
        return getInputStream(entry).use { String(it.readAllBytes(), Charsets.UTF_8) }
    }
}
