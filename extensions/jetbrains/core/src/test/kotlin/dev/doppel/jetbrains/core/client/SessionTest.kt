// `ide start` through the client against the real CLI: failures before `ready`, a live session on a namespaced
// local process (root, engine built by `npm run build` / scripts/build), its stop, a cancelled set-up, the ready
// timeout, and the refusal of a run configuration that carries the session's LD_PRELOAD afterwards.
package dev.doppel.jetbrains.core.client

import dev.doppel.jetbrains.core.NamespacedProcess
import dev.doppel.jetbrains.core.TestCli
import dev.doppel.jetbrains.core.launch.StaleSessionCheck
import dev.doppel.jetbrains.core.protocol.IdeAction
import dev.doppel.jetbrains.core.protocol.IdeCancelledError
import dev.doppel.jetbrains.core.protocol.IdeCommandError
import dev.doppel.jetbrains.core.protocol.IdeTimeoutError
import dev.doppel.jetbrains.core.protocol.LogEvent
import dev.doppel.jetbrains.core.protocol.ProgressEvent
import dev.doppel.jetbrains.core.protocol.StaleSessionEnvError
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList

class SessionTest {
    @TempDir
    lateinit var workspace: Path

    private val progress = CopyOnWriteArrayList<ProgressEvent>()
    private val logs = CopyOnWriteArrayList<LogEvent>()
    private val listener = object : SessionListener {
        override fun progress(event: ProgressEvent) {
            progress.add(event)
        }

        override fun log(event: LogEvent) {
            logs.add(event)
        }
    }

    private fun startArgs(target: String) = listOf("--workspace", workspace.toString(), "--target", target)

    @Test
    fun `a target that does not exist fails the start with the error line, target picker offered`() {
        val error = assertThrows<IdeCommandError> {
            TestCli.client().start(startArgs("pid/999999999"), listener).awaitReady()
        }
        assertTrue(error.code in setOf("SESSION_TARGET_NOT_FOUND", "SESSION_NEEDS_ROOT"), error.code)
        if (error.code == "SESSION_TARGET_NOT_FOUND") assertTrue(IdeAction.SELECT_TARGET in error.event.ideActions)
        assertEquals("config", progress.first().phase, "the first progress line is the configuration's")
    }

    @Test
    fun `a live session hands over the layer's environment and ends on stop`() {
        assumeTrue(TestCli.isRoot, "a local pid target needs root")
        NamespacedProcess.start("dpl-jb-live").use { target ->
            val session = TestCli.client().start(startArgs(target.target), listener).awaitReady()
            try {
                val env = session.ready.env
                assertTrue(StaleSessionCheck.layerEntries(env["LD_PRELOAD"]).isNotEmpty(), "LD_PRELOAD: ${env["LD_PRELOAD"]}")
                assertEquals(session.ready.session.proxySocket, env["DOPPEL_PROXY_SOCKET"])
                assertTrue(Files.exists(Path.of(session.ready.session.proxySocket)), "the proxy socket exists")
                assertEquals(target.target, session.ready.session.target)
                val phases = progress.map { it.phase }
                assertEquals(listOf("config", "agent"), phases.distinct().take(2), "phases: $phases")
                assertEquals("proxy", phases.last(), "phases: $phases")
                // The same variables left in a run configuration afterwards are refused.
                assertThrows<StaleSessionEnvError> { StaleSessionCheck.requireClean("dpl-jb-app", env) }
            } finally {
                session.stop()
            }
            assertFalse(session.isAlive)
            assertEquals("stop", session.stoppedReason)
            assertFalse(Files.exists(Path.of(session.ready.session.proxySocket)), "the session directory is removed")
        }
    }

    @Test
    fun `a cancelled set-up is stopped and reported as cancelled`() {
        assumeTrue(TestCli.isRoot, "a local pid target needs root")
        NamespacedProcess.start("dpl-jb-cancel").use { target ->
            val starting = TestCli.client().start(startArgs(target.target), listener)
            val error = assertThrows<IdeCancelledError> { starting.awaitReady { true } }
            assertEquals("PLUGIN_CANCELLED", error.code)
        }
    }

    @Test
    fun `a set-up past the ready timeout is stopped`() {
        val client = TestCli.client(timeouts = IdeClient.Timeouts(ready = Duration.ZERO, stop = Duration.ofSeconds(20)))
        val starting = client.start(startArgs("pid/999999999"), listener)
        assertThrows<IdeTimeoutError> { starting.awaitReady() }
    }
}
