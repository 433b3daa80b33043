// The Gradle side of EnvDelivery.GRADLE_FORKED_TASKS: an init script (passed with `--init-script`) that gives
// the session's environment to every process the build forks for a task (JavaExec, Test, Exec and every other
// ProcessForkOptions task), and a JSON file beside it with the variables. The file is readable by its owner only:
// it holds the pod's environment and the session token.
package dev.doppel.jetbrains.core.runtypes

import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions

object GradleInitScript {
    const val SCRIPT_FILE = "doppel-init.gradle"
    const val ENV_FILE = "doppel-env.json"

    /** Writes the script and its variables into [dir] (one directory per session); returns the script. */
    fun write(dir: Path, patch: EnvPatch): Path {
        Files.createDirectories(dir)
        val envFile = dir.resolve(ENV_FILE)
        val ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        Files.deleteIfExists(envFile)
        Files.createFile(envFile, ownerOnly)
        Files.writeString(envFile, envJson(patch))
        val script = dir.resolve(SCRIPT_FILE)
        Files.writeString(script, script(envFile))
        return script
    }

    fun envJson(patch: EnvPatch): String = JsonObject(
        mapOf(
            "set" to JsonObject(patch.set.mapValues { JsonPrimitive(it.value) }),
            "unset" to JsonArray(patch.unset.map(::JsonPrimitive)),
        ),
    ).toString()

    /** A single-quoted Groovy literal: no `${'$'}` interpolation, backslashes and quotes escaped. */
    private fun groovyLiteral(text: String) = "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

    /** `all` rather than the lazy `configureEach`: the script must also run on Gradle before 4.9 (Debian ships 4.4). */
    private fun script(envFile: Path): String = """
        |// Written by doppel for one session: the processes this build forks get the session's environment;
        |// the Gradle daemon itself does not.
        |def doppelEnv = new groovy.json.JsonSlurper().parse(new File(${groovyLiteral(envFile.toString())}))
        |allprojects {
        |    tasks.withType(org.gradle.process.ProcessForkOptions).all { task ->
        |        doppelEnv.unset.each { name -> task.environment.remove(name) }
        |        task.environment(doppelEnv.set)
        |    }
        |}
        |""".trimMargin()
}
