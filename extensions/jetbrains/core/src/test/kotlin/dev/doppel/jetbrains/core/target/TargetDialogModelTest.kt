// The target dialog's items from a real listing of the CLI and from listings with Kubernetes kinds: grouping,
// the fixed entries, preselection of the last chosen target, and what accepting each item means.
package dev.doppel.jetbrains.core.target

import dev.doppel.jetbrains.core.NamespacedProcess
import dev.doppel.jetbrains.core.TestCli
import dev.doppel.jetbrains.core.protocol.TargetLine
import dev.doppel.jetbrains.core.protocol.TargetsEvent
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path

class TargetDialogModelTest {
    @TempDir
    lateinit var workspace: Path

    private fun line(path: String, available: Boolean = true) =
        TargetLine(path, path.substringBefore('/'), path.substringAfter('/'), "detail", "shop", available)

    private val listing = TargetsEvent(
        namespace = "shop",
        namespaces = listOf("default", "shop"),
        targets = listOf(line("deployment/api"), line("pod/api-1"), line("deployment/web"), line("pod/db-0", available = false)),
    )

    @Test
    fun `targets are grouped by kind in listing order, then the fixed entries`() {
        val model = TargetDialogModel(listing, null)
        assertEquals(listOf("deployment" to listOf("deployment/api", "deployment/web"), "pod" to listOf("pod/api-1", "pod/db-0")),
            model.groups.map { group -> group.kind to group.targets.map { it.label } })
        assertEquals(listOf(TargetItem.AnotherNamespace, TargetItem.Targetless), model.items.takeLast(2))
        assertEquals("Targets in namespace shop (Cancel stops the launch)", model.caption)
    }

    @Test
    fun `the last chosen target is preselected while it is offered`() {
        assertEquals("deployment/web", TargetDialogModel(listing, "deployment/web").preselected.label)
        assertEquals(TargetItem.Targetless, TargetDialogModel(listing, TARGETLESS).preselected)
        assertEquals("deployment/api", TargetDialogModel(listing, "deployment/gone").preselected.label)
        assertEquals("deployment/api", TargetDialogModel(listing, "pod/db-0").preselected.label, "not without a ready pod")
        assertEquals(TargetItem.Targetless, TargetDialogModel(TargetsEvent(null, emptyList(), emptyList()), null).preselected)
    }

    @Test
    fun `accepting an item launches, asks for a namespace, or is refused without a ready pod`() {
        val model = TargetDialogModel(listing, null)
        assertEquals(TargetChoice.Launch("deployment/api"), model.choose(model.items.first()))
        assertEquals(TargetChoice.Launch(TARGETLESS), model.choose(TargetItem.Targetless))
        assertEquals(TargetChoice.AskNamespace(listOf("default", "shop")), model.choose(TargetItem.AnotherNamespace))
        val unavailable = model.items.first { it.label == "pod/db-0" }
        assertFalse(model.isEnabled(unavailable))
        assertThrows<IllegalArgumentException> { model.choose(unavailable) }
    }

    @Test
    fun `a namespaced local process listed by the CLI is offered and remembered`() {
        assumeTrue(TestCli.isRoot, "listing another process's network namespace needs root")
        NamespacedProcess.start("dpl-jb-pick").use { process ->
            val listing = TestCli.client().targets(listOf("--workspace", workspace.toString()))
            val memory = LastTargets(mutableMapOf())
            memory.remember(null, process.target)
            val model = TargetDialogModel(listing, memory.recall(null))
            assertEquals(process.target, model.preselected.label)
            assertEquals("pid", (model.preselected as TargetItem.Target).line.kind)
            assertEquals(TargetChoice.Launch(process.target), model.choose(model.preselected))
        }
    }
}
