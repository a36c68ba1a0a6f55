package io.github.skrl4j.adam.kotlin.readme

import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.extension
import kotlin.io.path.invariantSeparatorsPathString
import kotlin.io.path.readText
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test

/**
 * Every Java and Kotlin code block of the documentation this module owns (the root README's "Using
 * adam-core" section and this module's README) is, up to indentation, a region of a test source file
 * that the build compiles, marked `// README snippet begin: <name>` ... `// README snippet end`, so a
 * snippet that stops compiling, or a README block that drifts from its compiled copy, fails the build.
 * Every marked region must appear in one of those documents, so none goes stale unnoticed.
 */
class ReadmeSnippetsMatchTest {

    private val moduleDir: Path = Path.of("").toAbsolutePath()
    private val rootReadme: Path = moduleDir.resolveSibling("README.md")
    private val moduleReadme: Path = moduleDir.resolve("README.md")

    data class Block(val document: String, val line: Int, val language: String, val code: String)

    data class Region(val name: String, val file: String, val code: String)

    private fun rootSectionBlocks(): List<Block> {
        val (firstLine, section) = sectionAt("## Using adam-core", rootReadme.readText())
        return codeBlocks("README.md", section, firstLine)
    }

    @Test
    fun `every Java and Kotlin block of the root README's adam-core section is a compiled snippet`() {
        val blocks = rootSectionBlocks()
        assertThat(blocks.map { it.language }).`as`("the section shows Java and Kotlin").contains("java", "kotlin")
        assertEachIsARegion(blocks)
    }

    @Test
    fun `every Kotlin block of this module's README is a compiled snippet`() {
        val blocks = codeBlocks("adam-kotlin/README.md", moduleReadme.readText())
        assertThat(blocks).`as`("Kotlin blocks in adam-kotlin/README.md").isNotEmpty()
        assertEachIsARegion(blocks)
    }

    @Test
    fun `every marked region is shown in a README`() {
        val shown = (rootSectionBlocks() +
            codeBlocks("adam-kotlin/README.md", moduleReadme.readText())).map { it.code }.toSet()
        val unused = regions().filter { it.code !in shown }.map { "${it.name} (${it.file})" }
        assertThat(unused).`as`("marked snippets that no README shows").isEmpty()
    }

    @Test
    fun `regions and blocks are read as marked`() {
        val text = """
            |intro
            |```kotlin
            |    val a = 1
            |      val b = 2
            |```
            |```python
            |x = 1
            |```
        """.trimMargin()
        assertThat(codeBlocks("X.md", text)).containsExactly(Block("X.md", 2, "kotlin", "val a = 1\n  val b = 2"))
        val source = "package p\n\n    // README snippet begin: demo\n    fun f() = 1 \n    // README snippet end\n"
        assertThat(regionsIn("F.kt", source)).containsExactly(Region("demo", "F.kt", "fun f() = 1"))
        assertThat(section("## A", "## A\none\n### A.1\ntwo\n## B\nthree")).isEqualTo("## A\none\n### A.1\ntwo\n")
    }

    private fun assertEachIsARegion(blocks: List<Block>) {
        val regions = regions()
        assertThat(regions).isNotEmpty()
        val byCode = regions.map { it.code }.toSet()
        val drifted = blocks.filter { it.code !in byCode }.map { block ->
            "${block.document}:${block.line} (${block.language}) matches no marked region of a test source; " +
                "nearest: ${regions.maxByOrNull { commonLines(it.code, block.code) }?.let { "${it.name} in ${it.file}" }}\n" +
                block.code
        }
        assertThat(drifted).`as`("README blocks without a compiled copy").isEmpty()
    }

    private fun commonLines(a: String, b: String): Int = a.lines().toSet().intersect(b.lines().toSet()).size

    private fun regions(): List<Region> {
        val testSources = moduleDir.resolve("src/test")
        return Files.walk(testSources).use { paths ->
            paths.filter { it.extension == "kt" || it.extension == "java" }.toList()
        }.flatMap { regionsIn(moduleDir.relativize(it).invariantSeparatorsPathString, it.readText()) }
    }

    companion object {
        private const val BEGIN = "// README snippet begin: "
        private const val END = "// README snippet end"

        /** From [heading] (a whole line) to the next heading of the same or a higher level. */
        fun section(heading: String, text: String): String = sectionAt(heading, text).second

        /** The line number of [heading] and its [section]. */
        fun sectionAt(heading: String, text: String): Pair<Int, String> {
            val lines = text.lines()
            val start = lines.indexOf(heading)
            require(start >= 0) { "no heading '$heading'" }
            val level = heading.takeWhile { it == '#' }.length
            val end = (start + 1 until lines.size).firstOrNull { i ->
                val hashes = lines[i].takeWhile { it == '#' }.length
                hashes in 1..level && lines[i].getOrNull(hashes) == ' '
            } ?: lines.size
            return start + 1 to lines.subList(start, end).joinToString("\n", postfix = "\n")
        }

        /** The fenced ```java and ```kotlin blocks, indentation removed; [text] starts at line [firstLine] of [document]. */
        fun codeBlocks(document: String, text: String, firstLine: Int = 1): List<Block> {
            val blocks = mutableListOf<Block>()
            val lines = text.lines()
            var i = 0
            while (i < lines.size) {
                val fence = lines[i].trim()
                if (fence.startsWith("```") && fence.length > 3) {
                    val language = fence.removePrefix("```").trim()
                    val end = (i + 1 until lines.size).first { lines[it].trim() == "```" }
                    if (language == "java" || language == "kotlin") {
                        blocks += Block(document, firstLine + i, language, normalized(lines.subList(i + 1, end)))
                    }
                    i = end
                }
                i++
            }
            return blocks
        }

        /** The regions between the snippet markers of one source file, indentation removed. */
        fun regionsIn(file: String, source: String): List<Region> {
            val regions = mutableListOf<Region>()
            val lines = source.lines()
            lines.forEachIndexed { index, line ->
                if (line.trim().startsWith(BEGIN)) {
                    val end = (index + 1 until lines.size).firstOrNull { lines[it].trim() == END }
                        ?: error("$file:${index + 1}: a snippet begins but never ends")
                    regions += Region(line.trim().removePrefix(BEGIN), file, normalized(lines.subList(index + 1, end)))
                }
            }
            return regions
        }

        private fun normalized(lines: List<String>): String =
            lines.joinToString("\n") { it.trimEnd() }.trimIndent().trim('\n')
    }
}
