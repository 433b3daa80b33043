// What the target dialog shows when the configuration names no target: the targets of one namespace grouped by
// kind (in the order doppel lists them), then "Select another namespace…" and "No target (targetless)". The
// target chosen last for the same configuration is preselected. The dialog itself is the binding's.
package dev.doppel.jetbrains.core.target

import dev.doppel.jetbrains.core.protocol.TargetLine
import dev.doppel.jetbrains.core.protocol.TargetsEvent

/** The target path that runs without a target (outgoing traffic, DNS and files still go through the cluster). */
const val TARGETLESS = "targetless"

sealed interface TargetItem {
    val label: String

    data class Target(val line: TargetLine) : TargetItem {
        override val label: String get() = line.path
    }

    data object AnotherNamespace : TargetItem {
        override val label = "Select another namespace…"
    }

    data object Targetless : TargetItem {
        override val label = "No target (targetless)"
    }
}

data class TargetGroup(val kind: String, val targets: List<TargetItem.Target>)

/** What accepting an item means for the launch. */
sealed interface TargetChoice {
    /** Launch with this `--target` (a path or `targetless`). */
    data class Launch(val target: String) : TargetChoice

    /** Ask for a namespace: pick one of [known], or type one when [known] is empty. */
    data class AskNamespace(val known: List<String>) : TargetChoice
}

class TargetDialogModel(val listing: TargetsEvent, lastChosen: String?) {
    val title = "doppel: select the target to run as"

    val groups: List<TargetGroup> = listing.targets.groupBy { it.kind }.map { (kind, lines) ->
        TargetGroup(kind, lines.map { TargetItem.Target(it) })
    }

    /** Every item in display order: the groups' targets, then the two fixed entries. */
    val items: List<TargetItem> = groups.flatMap { it.targets } + TargetItem.AnotherNamespace + TargetItem.Targetless

    val emptyText: String = "No targets${namespaceSuffix()}; pick another namespace or run targetless"

    val caption: String = "Targets${namespaceSuffix()} (Cancel stops the launch)"

    /** The last chosen target when it is still offered, else the first available target, else targetless. */
    val preselected: TargetItem = when (lastChosen) {
        TARGETLESS -> TargetItem.Targetless
        else -> launchable().firstOrNull { it.line.path == lastChosen } ?: launchable().firstOrNull()
            ?: TargetItem.Targetless
    }

    /** Whether accepting [item] is allowed (a target without a ready pod is not). */
    fun isEnabled(item: TargetItem): Boolean = item !is TargetItem.Target || item.line.available

    fun choose(item: TargetItem): TargetChoice = when (item) {
        is TargetItem.Target -> {
            require(item.line.available) { "${item.line.path} has no ready pod and cannot be launched against" }
            TargetChoice.Launch(item.line.path)
        }
        TargetItem.Targetless -> TargetChoice.Launch(TARGETLESS)
        TargetItem.AnotherNamespace -> TargetChoice.AskNamespace(listing.namespaces)
    }

    private fun launchable() = items.filterIsInstance<TargetItem.Target>().filter { it.line.available }

    private fun namespaceSuffix() = listing.namespace?.let { " in namespace $it" } ?: ""
}
