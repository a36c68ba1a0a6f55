package io.github.skrl4j.adam.kotlin

import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import java.io.DataInputStream
import java.net.URL
import java.net.URLClassLoader
import java.nio.file.Path
import java.util.jar.JarFile

/**
 * Reads the Kotlin metadata version of the jar that `package` built (failsafe runs this after it), the
 * version a user's Kotlin compiler checks before it reads the jar: a compiler refuses a module whose
 * metadata is newer than it knows ("Module was compiled with an incompatible version of Kotlin"). This
 * module is built by the project's Kotlin for the oldest Kotlin it supports, the one Spring Boot 4.0.x
 * manages (`kotlin.compatibility.version` in the POM, passed here as `skrl4j.kotlinCompatibilityVersion`),
 * so no class and not the `.kotlin_module` may carry a newer major.minor than that. The module's own tests
 * cannot see this otherwise: they compile with the project's Kotlin, which reads its own metadata.
 */
class KotlinMetadataVersionIT {

    private val jar: Path = Path.of(System.getProperty("skrl4j.publishedJar"))
    private val oldestSupported: List<Int> =
        System.getProperty("skrl4j.kotlinCompatibilityVersion").split('.').map(String::toInt)

    @Test
    fun `the module file's metadata version is readable by the oldest supported Kotlin`() {
        val version = JarFile(jar.toFile()).use { jar ->
            val entry = jar.getJarEntry("META-INF/adam-kotlin.kotlin_module")
            assertThat(entry).isNotNull()
            // the file starts with its metadata version: an int count, then that many ints
            DataInputStream(jar.getInputStream(entry)).use { input -> List(input.readInt()) { input.readInt() } }
        }
        assertReadable("META-INF/adam-kotlin.kotlin_module", version)
    }

    @Test
    fun `every class's metadata version is readable by the oldest supported Kotlin`() {
        val classNames = JarFile(jar.toFile()).use { jar ->
            jar.stream().map { it.name }
                .filter { it.endsWith(".class") && !it.startsWith("META-INF/") }
                .map { it.removeSuffix(".class").replace('/', '.') }
                .toList()
        }
        assertThat(classNames).contains("io.github.skrl4j.adam.kotlin.AdamDslKt", "io.github.skrl4j.adam.kotlin.AdamSpec")

        JarFirstClassLoader(jar.toUri().toURL(), javaClass.classLoader).use { loader ->
            for (name in classNames) {
                val type = Class.forName(name, false, loader)
                assertThat(type.classLoader).`as`("%s is read from the jar", name).isSameAs(loader)
                val metadata = type.getAnnotation(Metadata::class.java)
                assertThat(metadata).`as`("%s carries kotlin.Metadata", name).isNotNull()
                assertReadable(name, metadata.metadataVersion.toList())
            }
        }
    }

    private fun assertReadable(what: String, version: List<Int>) {
        assertThat(version).`as`("%s's metadata version", what).hasSizeGreaterThanOrEqualTo(2)
        val majorMinor = version.take(2)
        val readable = majorMinor[0] < oldestSupported[0] ||
            (majorMinor[0] == oldestSupported[0] && majorMinor[1] <= oldestSupported[1])
        assertThat(readable)
            .`as`("%s has metadata version %s, newer than Kotlin %s reads", what, version.joinToString("."),
                oldestSupported.joinToString("."))
            .isTrue()
    }

    /** Loads this module's classes from the jar (not from target/classes, which the test class path has first). */
    private class JarFirstClassLoader(jar: URL, parent: ClassLoader) : URLClassLoader(arrayOf(jar), parent) {
        override fun loadClass(name: String, resolve: Boolean): Class<*> = synchronized(getClassLoadingLock(name)) {
            findLoadedClass(name)
                ?: if (name.startsWith("io.github.skrl4j.adam.kotlin.")) findClass(name) else super.loadClass(name, resolve)
        }
    }
}
