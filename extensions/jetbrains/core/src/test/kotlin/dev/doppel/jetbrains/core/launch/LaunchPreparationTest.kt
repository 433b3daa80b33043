// The before-run step end to end against the real CLI, with a scripted UI (the only part the IDE supplies):
// refusals and skips first, the target dialog when the configuration names no target (namespace switch, cancel,
// the choice remembered), a failed start, and a live session on a namespaced local process (root).
package dev.doppel.jetbrains.core.launch

import dev.doppel.jetbrains.core.NamespacedProcess
import dev.doppel.jetbrains.core.TestCli
import dev.doppel.jetbrains.core.protocol.IdeCommandError
import dev.doppel.jetbrains.core.protocol.LogEvent
import dev.doppel.jetbrains.core.protocol.ProgressEvent
import dev.doppel.jetbrains.core.protocol.StaleSessionEnvError
import dev.doppel.jetbrains.core.runtypes.RunType
import dev.doppel.jetbrains.core.target.LastTargets
import dev.doppel.jetbrains.core.target.TargetDialogModel
import dev.doppel.jetbrains.core.target.TargetItem
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path

class LaunchPreparationTest {
    @TempDir
    lateinit var workspace: Path

    private val remembered = mutableMapOf<String, String>()

    /** Answers the dialogs from a script and records what it was shown. */
    private class ScriptedUi(
        private val targets: MutableList<(TargetDialogModel) -> TargetItem?> = mutableListOf(),
        private val namespaces: MutableList<String?> = mutableListOf(),
    ) : LaunchUi {
        val shown = mutableListOf<TargetDialogModel>()
        val phases = mutableListOf<String>()

        override fun pickTarget(model: TargetDialogModel): TargetItem? {
            shown.add(model)
            return targets.removeFirst()(model)
        }

        override fun pickNamespace(known: List<String>): String? = namespaces.removeFirst()

        override fun isCancelled() = false

        override fun progress(event: ProgressEvent) {
            phases.add(event.phase)
        }

        override fun log(event: LogEvent) = Unit
    }

    private fun preparation(enabled: Boolean = true, active: String? = null) =
        LaunchPreparation(TestCli.client(), enabled, active, LastTargets(remembered))

    private fun request(typeId: String = "Application", env: Map<String, String> = emptyMap()) =
        LaunchRequest("dpl-jb-app", typeId, workspace.toString(), workspace.toString(), env)

    @Test
    fun `a stale session environment is refused even with doppel off`() {
        val stale = mapOf("LD_PRELOAD" to "/tmp/old/libdoppel_layer.so")
        assertThrows<StaleSessionEnvError> { preparation(enabled = false).prepare(request(env = stale), ScriptedUi()) }
    }

    @Test
    fun `off, switched off and unknown run types are skipped without asking the CLI anything`() {
        assertEquals(Prepared.Skipped(SkipReason.OFF), preparation(enabled = false).prepare(request(), ScriptedUi()))
        assertEquals(
            Prepared.Skipped(SkipReason.SWITCHED_OFF),
            preparation().prepare(request(env = mapOf("DOPPEL_ACTIVE" to "0")), ScriptedUi()),
        )
        assertEquals(Prepared.Skipped(SkipReason.UNSUPPORTED_RUN_TYPE), preparation().prepare(request("CMakeRunConfiguration"), ScriptedUi()))
    }

    @Test
    fun `no target in the configuration opens the dialog, another namespace, then cancel`() {
        val ui = ScriptedUi(
            targets = mutableListOf({ TargetItem.AnotherNamespace }, { null }),
            namespaces = mutableListOf("dpl-jb-shop"),
        )
        assertEquals(Prepared.Cancelled, preparation().prepare(request(), ui))
        assertEquals(2, ui.shown.size)
        assertEquals("dpl-jb-shop", ui.shown[1].listing.namespace)
    }

    @Test
    fun `a configured target that is gone fails with the CLI's error`() {
        TestCli.write(workspace, ".doppel/doppel.json", """{ "target": "pid/999999999" }""")
        val ui = ScriptedUi()
        val error = assertThrows<IdeCommandError> { preparation().prepare(request(), ui) }
        assertTrue(error.code in setOf("SESSION_TARGET_NOT_FOUND", "SESSION_NEEDS_ROOT"), error.code)
        assertEquals(emptyList<TargetDialogModel>(), ui.shown, "a configured target needs no dialog")
    }

    @Test
    fun `a target picked in the dialog starts the session and is preselected next time`() {
        assumeTrue(TestCli.isRoot, "a local pid target needs root")
        NamespacedProcess.start("dpl-jb-prepare").use { process ->
            val pick: (TargetDialogModel) -> TargetItem? = { model -> model.items.first { it.label == process.target } }
            val ui = ScriptedUi(targets = mutableListOf(pick, { it.preselected }))
            val first = preparation().prepare(request("GoApplicationRunConfiguration"), ui) as Prepared.Started
            try {
                assertEquals(RunType.GO, first.row.runType)
                assertEquals(process.target, first.session.ready.session.target)
                assertTrue(StaleSessionCheck.layerEntries(first.patch.set["LD_PRELOAD"]).isNotEmpty())
                assertEquals("proxy", ui.phases.last())
            } finally {
                first.session.stop()
            }
            val again = preparation().prepare(request("GoApplicationRunConfiguration").copy(pickTarget = true), ui) as Prepared.Started
            again.session.stop()
            assertEquals(process.target, ui.shown[1].preselected.label)
            assertEquals(process.target, again.session.ready.session.target)
        }
    }
}
