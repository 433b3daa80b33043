// What doppel does to a run configuration, per kind of run: one row per run type in one table. A row says which
// run-configuration types it covers (ConfigurationType ids), how the session's environment reaches the app, which
// helper processes started with that environment the layer must leave alone, and which configuration keys the
// IDE's debugger needs. The binding's per-product extensions look rows up here and decide nothing themselves.
package dev.doppel.jetbrains.core.runtypes

import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonObject

enum class RunType { JAVA_APPLICATION, JAVA_TESTS, GRADLE, MAVEN, PYTHON, GO, NODE, NPM, RUBY }

enum class EnvDelivery {
    /** Into the environment of the process the run configuration starts (its command line). */
    PROCESS_ENV,

    /**
     * Into the processes a Gradle build forks for its tasks (JavaExec, Test, Exec), through an init script
     * (GradleInitScript). The Gradle daemon is a `java` process like the app, so the layer could not skip it by
     * name; it never gets the environment at all, and its dependency downloads stay local.
     */
    GRADLE_FORKED_TASKS,
}

data class RunTypeRow(
    val runType: RunType,
    /** `ConfigurationType.getId()` of the run configurations the row covers. */
    val configurationTypeIds: List<String>,
    val delivery: EnvDelivery,
    /** Executables started with the run's environment around the app that must run without the layer. */
    val helperProcesses: List<String>,
    /** Configuration keys the IDE's debugger needs for the session (`doppel ide start --overrides-json`). */
    val configOverrides: JsonObject,
)

/**
 * The IDE's debugger reaches the debuggee over loopback from inside the app's process (JDWP, pydevd, the V8
 * inspector, the Ruby debugger, the IDE's test-runner socket): loopback must stay on this machine.
 */
private val LOOPBACK_STAYS_LOCAL: JsonObject = buildJsonObject {
    putJsonObject("feature") {
        putJsonObject("network") { putJsonObject("outgoing") { put("ignore_localhost", true) } }
    }
}

private val NO_OVERRIDES = JsonObject(emptyMap())

object RunTypes {
    val ROWS: List<RunTypeRow> = listOf(
        RunTypeRow(
            RunType.JAVA_APPLICATION,
            listOf("Application", "JetRunConfigurationType", "SpringBootApplicationConfigurationType"),
            EnvDelivery.PROCESS_ENV,
            helperProcesses = emptyList(),
            configOverrides = LOOPBACK_STAYS_LOCAL,
        ),
        RunTypeRow(
            RunType.JAVA_TESTS,
            listOf("JUnit", "TestNG"),
            EnvDelivery.PROCESS_ENV,
            helperProcesses = emptyList(),
            configOverrides = LOOPBACK_STAYS_LOCAL,
        ),
        RunTypeRow(
            RunType.GRADLE,
            listOf("GradleRunConfiguration"),
            EnvDelivery.GRADLE_FORKED_TASKS,
            helperProcesses = emptyList(),
            configOverrides = LOOPBACK_STAYS_LOCAL,
        ),
        // Maven runs the build in a JVM of its own that the app's goals (exec:java) share; it carries the layer.
        RunTypeRow(
            RunType.MAVEN,
            listOf("MavenRunConfiguration"),
            EnvDelivery.PROCESS_ENV,
            helperProcesses = emptyList(),
            configOverrides = LOOPBACK_STAYS_LOCAL,
        ),
        // pydevd runs inside the app's python and cannot be told apart by name; loopback keeps it working.
        RunTypeRow(
            RunType.PYTHON,
            listOf("PythonConfigurationType", "tests"),
            EnvDelivery.PROCESS_ENV,
            helperProcesses = emptyList(),
            configOverrides = LOOPBACK_STAYS_LOCAL,
        ),
        // GoLand builds with `go` and debugs with Delve (through debugserver on macOS), all with the run's environment.
        RunTypeRow(
            RunType.GO,
            listOf("GoApplicationRunConfiguration", "GoTestRunConfiguration"),
            EnvDelivery.PROCESS_ENV,
            helperProcesses = listOf("dlv", "debugserver", "go", "gcc", "cc", "ld"),
            configOverrides = NO_OVERRIDES,
        ),
        RunTypeRow(
            RunType.NODE,
            listOf("NodeJSConfigurationType"),
            EnvDelivery.PROCESS_ENV,
            helperProcesses = emptyList(),
            configOverrides = LOOPBACK_STAYS_LOCAL,
        ),
        // npm runs package scripts through the shell; the app is the node the script starts.
        RunTypeRow(
            RunType.NPM,
            listOf("js.build_tools.npm"),
            EnvDelivery.PROCESS_ENV,
            helperProcesses = listOf("sh", "bash", "dash"),
            configOverrides = LOOPBACK_STAYS_LOCAL,
        ),
        RunTypeRow(
            RunType.RUBY,
            listOf("RubyRunConfigurationType", "RailsRunConfigurationType"),
            EnvDelivery.PROCESS_ENV,
            helperProcesses = listOf("rdbg"),
            configOverrides = LOOPBACK_STAYS_LOCAL,
        ),
    )

    fun rowFor(runType: RunType): RunTypeRow = ROWS.first { it.runType == runType }

    /** The row of a run configuration by its type id; null for a type doppel does not patch. */
    fun rowForConfigurationType(configurationTypeId: String): RunTypeRow? =
        ROWS.firstOrNull { configurationTypeId in it.configurationTypeIds }

    /** The `ide start` options a row adds to the configuration options. */
    fun startArgs(row: RunTypeRow): List<String> {
        val args = mutableListOf<String>()
        if (row.helperProcesses.isNotEmpty()) args += listOf("--skip-processes", row.helperProcesses.joinToString(","))
        if (row.configOverrides.isNotEmpty()) args += listOf("--overrides-json", row.configOverrides.toString())
        return args
    }
}
