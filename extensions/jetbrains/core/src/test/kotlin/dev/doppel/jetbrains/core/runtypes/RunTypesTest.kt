// The run-type table row by row: what each row holds, that the CLI accepts each row's start options, and how a
// session's environment is applied (the launch's environment; Gradle's init script and its variables file).
package dev.doppel.jetbrains.core.runtypes

import dev.doppel.jetbrains.core.TestCli
import dev.doppel.jetbrains.core.client.SessionListener
import dev.doppel.jetbrains.core.protocol.IdeCommandError
import dev.doppel.jetbrains.core.protocol.LogEvent
import dev.doppel.jetbrains.core.protocol.ProgressEvent
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.Arguments
import org.junit.jupiter.params.provider.EnumSource
import org.junit.jupiter.params.provider.MethodSource
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions

class RunTypesTest {
    @TempDir
    lateinit var workspace: Path

    @Test
    fun `every run type has one row and every configuration type id one owner`() {
        assertEquals(RunType.entries.toList(), RunTypes.ROWS.map { it.runType })
        val ids = RunTypes.ROWS.flatMap { it.configurationTypeIds }
        assertEquals(ids.distinct(), ids)
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    fun `each row delivers, skips and overrides as intended`(
        runType: RunType,
        configurationTypeId: String,
        delivery: EnvDelivery,
        helpers: List<String>,
        loopbackStaysLocal: Boolean,
    ) {
        val row = RunTypes.rowForConfigurationType(configurationTypeId)!!
        assertEquals(runType, row.runType)
        assertEquals(delivery, row.delivery)
        assertEquals(helpers, row.helperProcesses)
        val ignoreLocalhost = row.configOverrides["feature"]?.jsonObject?.get("network")?.jsonObject?.get("outgoing")
            ?.jsonObject?.get("ignore_localhost")?.jsonPrimitive?.content
        assertEquals(if (loopbackStaysLocal) "true" else null, ignoreLocalhost)
    }

    @ParameterizedTest
    @EnumSource(RunType::class)
    fun `the CLI accepts each row's start options`(runType: RunType) {
        val quiet = object : SessionListener {
            override fun progress(event: ProgressEvent) = Unit

            override fun log(event: LogEvent) = Unit
        }
        val args = listOf("--workspace", workspace.toString(), "--target", "pid/999999999") +
            RunTypes.startArgs(RunTypes.rowFor(runType))
        // Options the CLI rejects are CONFIG_INVALID or IDE_BAD_REQUEST; accepted ones reach the missing target.
        val error = assertThrows<IdeCommandError> { TestCli.client().start(args, quiet).awaitReady() }
        assertTrue(error.code in setOf("SESSION_TARGET_NOT_FOUND", "SESSION_NEEDS_ROOT"), "${error.code}: ${error.message}")
    }

    @Test
    fun `start options name the helpers and the overrides`() {
        assertEquals(listOf("--skip-processes", "dlv,debugserver,go,gcc,cc,ld"), RunTypes.startArgs(RunTypes.rowFor(RunType.GO)))
        assertEquals(
            listOf("--overrides-json", """{"feature":{"network":{"outgoing":{"ignore_localhost":true}}}}"""),
            RunTypes.startArgs(RunTypes.rowFor(RunType.NODE)),
        )
    }

    @Test
    fun `a patch sets the session's variables and removes the unset ones`() {
        val patch = EnvPatch(mapOf("LD_PRELOAD" to "/l/libdoppel_layer.so:/x.so", "DB" to "db.shop"), listOf("LOCAL_ONLY"))
        assertEquals(
            mapOf("PATH" to "/bin", "LD_PRELOAD" to "/l/libdoppel_layer.so:/x.so", "DB" to "db.shop"),
            patch.applyTo(mapOf("PATH" to "/bin", "LD_PRELOAD" to "/x.so", "LOCAL_ONLY" to "1")),
        )
    }

    @Test
    fun `the Gradle init script reads the session's variables from a file only its owner can read`() {
        val dir = workspace.resolve("dpl-jb-it's \$HOME")
        val patch = EnvPatch(mapOf("DOPPEL_SESSION_TOKEN" to "s3cret", "DB" to "db.shop"), listOf("LOCAL_ONLY"))
        val script = GradleInitScript.write(dir, patch)
        val envFile = dir.resolve(GradleInitScript.ENV_FILE)
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile)))
        val written = Json.parseToJsonElement(Files.readString(envFile)).jsonObject
        assertEquals("s3cret", written["set"]!!.jsonObject["DOPPEL_SESSION_TOKEN"]!!.jsonPrimitive.content)
        assertEquals(listOf("LOCAL_ONLY"), written["unset"]!!.jsonArray.map { it.jsonPrimitive.content })
        val text = Files.readString(script)
        val escaped = envFile.toString().replace("'", "\\'")
        assertTrue("new File('$escaped')" in text, text)
        assertTrue("ProcessForkOptions" in text, text)
    }

    companion object {
        @JvmStatic
        fun rows(): List<Arguments> = listOf(
            Arguments.of(RunType.JAVA_APPLICATION, "Application", EnvDelivery.PROCESS_ENV, emptyList<String>(), true),
            Arguments.of(RunType.JAVA_TESTS, "JUnit", EnvDelivery.PROCESS_ENV, emptyList<String>(), true),
            Arguments.of(RunType.GRADLE, "GradleRunConfiguration", EnvDelivery.GRADLE_FORKED_TASKS, emptyList<String>(), true),
            Arguments.of(RunType.MAVEN, "MavenRunConfiguration", EnvDelivery.PROCESS_ENV, emptyList<String>(), true),
            Arguments.of(RunType.PYTHON, "PythonConfigurationType", EnvDelivery.PROCESS_ENV, emptyList<String>(), true),
            Arguments.of(
                RunType.GO,
                "GoApplicationRunConfiguration",
                EnvDelivery.PROCESS_ENV,
                listOf("dlv", "debugserver", "go", "gcc", "cc", "ld"),
                false,
            ),
            Arguments.of(RunType.NODE, "NodeJSConfigurationType", EnvDelivery.PROCESS_ENV, emptyList<String>(), true),
            Arguments.of(RunType.NPM, "js.build_tools.npm", EnvDelivery.PROCESS_ENV, listOf("sh", "bash", "dash"), true),
            Arguments.of(RunType.RUBY, "RubyRunConfigurationType", EnvDelivery.PROCESS_ENV, listOf("rdbg"), true),
        )
    }
}
