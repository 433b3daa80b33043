// Everything the before-run step does for one launch, in order: refuse a run configuration with a stale session
// environment; decide whether doppel takes part; find the run type's row; resolve the configuration through the
// CLI; ask for a target when it names none (the last one chosen preselected); start the session and wait for it,
// cancellable. The binding supplies the UI (LaunchUi) and runs this off the UI thread.
package dev.doppel.jetbrains.core.launch

import dev.doppel.jetbrains.core.client.IdeClient
import dev.doppel.jetbrains.core.client.RunningSession
import dev.doppel.jetbrains.core.client.SessionListener
import dev.doppel.jetbrains.core.config.ConfigRequest
import dev.doppel.jetbrains.core.config.ConfigRules
import dev.doppel.jetbrains.core.runtypes.EnvPatch
import dev.doppel.jetbrains.core.runtypes.RunTypeRow
import dev.doppel.jetbrains.core.runtypes.RunTypes
import dev.doppel.jetbrains.core.target.LastTargets
import dev.doppel.jetbrains.core.target.TargetChoice
import dev.doppel.jetbrains.core.target.TargetDialogModel
import dev.doppel.jetbrains.core.target.TargetItem

data class LaunchRequest(
    val runConfigurationName: String,
    /** `ConfigurationType.getId()` of the run configuration. */
    val configurationTypeId: String,
    val workspace: String,
    val projectPath: String,
    /** The run configuration's own environment variables. */
    val launchEnv: Map<String, String>,
    /** Show the target dialog whatever the configuration says (the error action "Select Target"). */
    val pickTarget: Boolean = false,
)

/** What the before-run step needs from the IDE: dialogs (on the UI thread, the binding's job) and progress. */
interface LaunchUi : SessionListener {
    /** The item accepted in the target dialog; null when the user cancelled it. */
    fun pickTarget(model: TargetDialogModel): TargetItem?

    /** A namespace from [known] (or typed when empty); null when the user cancelled. */
    fun pickNamespace(known: List<String>): String?

    /** Whether the user cancelled the launch's progress. */
    fun isCancelled(): Boolean
}

sealed interface Prepared {
    data class Skipped(val reason: SkipReason) : Prepared

    /** The user closed a dialog: the launch does not happen. */
    data object Cancelled : Prepared

    data class Started(val session: RunningSession, val row: RunTypeRow, val runConfigurationName: String) : Prepared {
        val patch: EnvPatch get() = EnvPatch.of(session.ready)
    }
}

class LaunchPreparation(
    private val client: IdeClient,
    private val enabled: Boolean,
    private val activeOverride: String?,
    private val lastTargets: LastTargets,
) {
    fun prepare(request: LaunchRequest, ui: LaunchUi): Prepared {
        StaleSessionCheck.requireClean(request.runConfigurationName, request.launchEnv)
        val decision = LaunchRules.decide(request.launchEnv, enabled)
        if (decision is LaunchDecision.Skip) return Prepared.Skipped(decision.reason)
        val row = RunTypes.rowForConfigurationType(request.configurationTypeId)
            ?: return Prepared.Skipped(SkipReason.UNSUPPORTED_RUN_TYPE)
        val configArgs = ConfigRules.configArgs(
            ConfigRequest(request.workspace, activeOverride, request.launchEnv, request.projectPath),
        )
        val config = client.resolve(configArgs)
        val target = (if (request.pickTarget) null else config.target)
            ?: chooseTarget(configArgs, config.path, ui)
            ?: return Prepared.Cancelled
        val starting = client.start(configArgs + listOf("--target", target) + RunTypes.startArgs(row), ui)
        return Prepared.Started(starting.awaitReady(ui::isCancelled), row, request.runConfigurationName)
    }

    /** The target dialog, namespace by namespace until a target (or targetless) is accepted; null on cancel. */
    private fun chooseTarget(configArgs: List<String>, configPath: String?, ui: LaunchUi): String? {
        var namespace: String? = null
        while (true) {
            val model = TargetDialogModel(client.targets(configArgs, namespace), lastTargets.recall(configPath))
            val item = ui.pickTarget(model) ?: return null
            when (val choice = model.choose(item)) {
                is TargetChoice.Launch -> {
                    lastTargets.remember(configPath, choice.target)
                    return choice.target
                }
                is TargetChoice.AskNamespace -> namespace = ui.pickNamespace(choice.known) ?: return null
            }
        }
    }
}
