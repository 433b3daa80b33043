// The init script run by a real Gradle (Debian's `gradle` package): a task's forked process gets the session's
// variables and loses the unset ones, while the build's own JVM (the daemon's place) never sees them.
package dev.doppel.jetbrains.core.runtypes

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

class GradleInitScriptTest {
    @TempDir
    lateinit var dir: Path

    private val gradle: String? = System.getenv("PATH")?.split(File.pathSeparator)
        ?.map { Path.of(it, "gradle") }?.firstOrNull { Files.isExecutable(it) }?.toString()

    @Test
    fun `forked task processes get the session's environment and the build JVM does not`() {
        assumeTrue(gradle != null, "no gradle on PATH (Debian: apt-get install gradle)")
        val project = Files.createDirectories(dir.resolve("dpl-jb-gradle-project"))
        Files.writeString(
            project.resolve("build.gradle"),
            """
            task forked(type: Exec) {
                commandLine 'sh', '-c', 'echo "forked DB=${'$'}DB LOCAL_ONLY=${'$'}{LOCAL_ONLY:-removed}"'
            }
            task buildJvm {
                doLast { println "build JVM DB=" + System.getenv('DB') }
            }
            """.trimIndent(),
        )
        val script = GradleInitScript.write(dir.resolve("dpl-jb-session's"), EnvPatch(mapOf("DB" to "db.shop"), listOf("LOCAL_ONLY")))
        val process = ProcessBuilder(
            gradle, "-q", "--offline", "--no-daemon", "--gradle-user-home", dir.resolve("dpl-jb-gradle-home").toString(),
            "--init-script", script.toString(), "forked", "buildJvm",
        ).directory(project.toFile()).redirectErrorStream(true).apply { environment()["LOCAL_ONLY"] = "1" }.start()
        val output = process.inputStream.bufferedReader().readText()
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "gradle did not finish within 5 minutes; output: $output")
        assertEquals(0, process.exitValue(), output)
        assertTrue("forked DB=db.shop LOCAL_ONLY=removed" in output, output)
        assertTrue("build JVM DB=null" in output, output)
    }
}
