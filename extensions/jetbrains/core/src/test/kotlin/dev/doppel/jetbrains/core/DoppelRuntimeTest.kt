// The composition the binding uses: this repository as the bundled installation, settings validation, the
// active-config choices from the CLI's candidates, and the session registry on a live session (root).
package dev.doppel.jetbrains.core

import dev.doppel.jetbrains.core.binary.InstallationSource
import dev.doppel.jetbrains.core.client.SessionListener
import dev.doppel.jetbrains.core.config.ActiveConfigChoices
import dev.doppel.jetbrains.core.config.ConfigRequest
import dev.doppel.jetbrains.core.config.ConfigRules
import dev.doppel.jetbrains.core.launch.SessionRegistry
import dev.doppel.jetbrains.core.protocol.IdeProtocolError
import dev.doppel.jetbrains.core.protocol.LogEvent
import dev.doppel.jetbrains.core.protocol.ProgressEvent
import dev.doppel.jetbrains.core.settings.DoppelSettings
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.util.concurrent.TimeUnit

class DoppelRuntimeTest {
    @TempDir
    lateinit var dir: Path

    private val logged = mutableListOf<String>()

    private fun plugin(path: String? = System.getenv("PATH")) = PluginEnvironment(
        bundledRoot = TestCli.repoRoot,
        bundledVersion = TestCli.packageVersion,
        storageDir = dir.resolve("storage"),
        env = TestCli.cleanEnv + listOfNotNull(path?.let { "PATH" to it }),
        log = { logged.add(it) },
    )

    @Test
    fun `the bundled installation runs with node from PATH`() {
        val resolution = DoppelRuntime.resolveClient(DoppelSettings(autoUpdate = "false"), plugin())
        assertEquals(InstallationSource.BUNDLED, resolution.installation.source)
        assertNull(resolution.notice)
        assertEquals(TestCli.packageVersion, resolution.client.version().doppel)
    }

    @Test
    fun `without node the user is told to install it or set its path`() {
        val error = assertThrows<IdeProtocolError> { DoppelRuntime.resolveClient(DoppelSettings(), plugin(dir.toString())) }
        assertTrue(error.message!!.contains("Settings | Tools | doppel"), error.message)
    }

    @Test
    fun `settings problems name the setting and what it accepts`() {
        assertEquals(emptyList<String>(), DoppelSettings().problems())
        val problems = DoppelSettings(autoUpdate = "latest", releaseUrl = "ftp://x").problems()
        assertEquals(2, problems.size)
        assertTrue(problems[0].contains("true, false or an exact version"), problems[0])
    }

    @Test
    fun `active config choices come from the CLI's candidates, relative, with Clear last`() {
        TestCli.write(dir, "ws/.doppel/doppel.json", "{}")
        val staging = TestCli.write(dir, "ws/svc/staging-doppel.yaml", "{}\n")
        val workspace = dir.resolve("ws").toString()
        val configs = TestCli.client().configs(ConfigRules.configArgs(ConfigRequest(workspace, null, emptyMap(), workspace)))
        val items = ActiveConfigChoices.items(configs, staging.toString())
        assertEquals(listOf(".doppel/doppel.json", "svc/staging-doppel.yaml", ActiveConfigChoices.CLEAR_LABEL), items.map { it.label })
        assertEquals(listOf(false, true, false), items.map { it.isActive })
        assertNull(items.last().path)
    }

    @Test
    fun `the registry stops a run's session and forgets it`() {
        assumeTrue(TestCli.isRoot, "a local pid target needs root")
        NamespacedProcess.start("dpl-jb-registry").use { process ->
            val quiet = object : SessionListener {
                override fun progress(event: ProgressEvent) = Unit

                override fun log(event: LogEvent) = Unit
            }
            val session = TestCli.client()
                .start(listOf("--workspace", dir.toString(), "--target", process.target), quiet)
                .awaitReady()
            val registry = SessionRegistry { logged.add(it) }
            registry.register(7L, session)
            assertEquals(session, registry.sessionOf(7L))
            registry.stop(7L)
            assertFalse(session.isAlive)
            assertEquals("stop", session.stoppedReason)
            session.ended.get(30, TimeUnit.SECONDS)
            assertEquals(0, registry.size)
        }
    }
}
