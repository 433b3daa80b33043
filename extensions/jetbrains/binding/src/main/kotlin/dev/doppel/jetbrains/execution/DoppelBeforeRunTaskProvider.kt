// The "doppel: start session" step in a run configuration's Before launch list. It runs the core's
// LaunchPreparation off the UI thread under a cancellable progress (dialogs are shown on the UI thread and waited
// for), and leaves the started session for the product's command-line patch. A refusal or failure stops the launch.
package dev.doppel.jetbrains.execution

import com.intellij.execution.BeforeRunTask
import com.intellij.execution.BeforeRunTaskProvider
import com.intellij.execution.CommonProgramRunConfigurationParameters
import com.intellij.execution.ExecutionManager
import com.intellij.execution.configurations.RunConfiguration
import com.intellij.execution.runners.ExecutionEnvironment
import com.intellij.execution.runners.ExecutionEnvironmentBuilder
import com.intellij.openapi.actionSystem.DataContext
import com.intellij.openapi.externalSystem.service.execution.ExternalSystemRunConfiguration
import com.intellij.openapi.application.ApplicationManager
import com.intellij.openapi.progress.ProgressIndicator
import com.intellij.openapi.progress.ProgressManager
import com.intellij.openapi.progress.Task
import com.intellij.openapi.project.Project
import com.intellij.openapi.project.guessProjectDir
import com.intellij.openapi.util.Key
import dev.doppel.jetbrains.core.launch.LaunchPreparation
import dev.doppel.jetbrains.core.launch.LaunchRequest
import dev.doppel.jetbrains.core.launch.LaunchUi
import dev.doppel.jetbrains.core.launch.Prepared
import dev.doppel.jetbrains.core.protocol.LogEvent
import dev.doppel.jetbrains.core.protocol.ProgressEvent
import dev.doppel.jetbrains.core.runtypes.RunTypes
import dev.doppel.jetbrains.core.target.TargetDialogModel
import dev.doppel.jetbrains.core.target.TargetItem
import dev.doppel.jetbrains.services.DoppelProjectService
import dev.doppel.jetbrains.ui.DoppelNotifications
import dev.doppel.jetbrains.ui.TargetDialog
import java.util.concurrent.atomic.AtomicReference

class DoppelBeforeRunTask : BeforeRunTask<DoppelBeforeRunTask>(DoppelBeforeRunTaskProvider.ID)

class DoppelBeforeRunTaskProvider : BeforeRunTaskProvider<DoppelBeforeRunTask>() {
    override fun getId(): Key<DoppelBeforeRunTask> = ID

    override fun getName() = "doppel: start session"

    override fun getDescription(task: DoppelBeforeRunTask) = "doppel: start a session when doppel is on"

    /** On by default for the run configurations doppel knows how to patch. */
    override fun createTask(configuration: RunConfiguration): DoppelBeforeRunTask? =
        if (RunTypes.rowForConfigurationType(configuration.type.id) == null) null else DoppelBeforeRunTask().also { it.isEnabled = true }

    override fun executeTask(
        context: DataContext,
        configuration: RunConfiguration,
        environment: ExecutionEnvironment,
        task: DoppelBeforeRunTask,
    ): Boolean {
        val project = configuration.project
        val service = DoppelProjectService.getInstance(project)
        val root = project.guessProjectDir()?.path ?: project.basePath ?: return true
        val request = LaunchRequest(
            runConfigurationName = configuration.name,
            configurationTypeId = configuration.type.id,
            workspace = root,
            projectPath = project.basePath ?: root,
            launchEnv = launchEnvOf(configuration),
            pickTarget = environment.getUserData(PICK_TARGET) == true,
        )
        val outcome = AtomicReference<Result<Prepared>>()
        val work = object : Task.Modal(project, "doppel: ${configuration.name}", true) {
            override fun run(indicator: ProgressIndicator) {
                val ui = IndicatorUi(project, indicator)
                outcome.set(
                    runCatching {
                        LaunchPreparation(service.client(), service.enabled, service.activeConfig, service.lastTargets).prepare(request, ui)
                    },
                )
            }
        }
        // The platform calls before-run steps off the UI thread; the modal task then shows the progress there.
        ApplicationManager.getApplication().invokeAndWait { ProgressManager.getInstance().run(work) }
        val prepared = outcome.get()?.getOrElse { error ->
            service.log("doppel: \"${configuration.name}\" not launched: ${error.message}")
            DoppelNotifications.error(project, error) { relaunchWithTargetDialog(environment) }
            return false
        } ?: return false
        return when (prepared) {
            is Prepared.Skipped -> {
                service.log("doppel: \"${configuration.name}\" runs without doppel (${prepared.reason.explanation})")
                true
            }
            Prepared.Cancelled -> false
            is Prepared.Started -> {
                service.log("doppel: session ${prepared.session.id} for \"${configuration.name}\" on ${prepared.session.ready.session.target}")
                service.putPending(launchKey(configuration), prepared)
                true
            }
        }
    }

    /**
     * The run configuration's own variables, where the platform exposes them: programs (CommonProgramRunConfiguration-
     * Parameters: Java, and the products' configurations that implement it) and Gradle. For others the command-line
     * patch still refuses stale variables (EnvInjection), but DOPPEL_ACTIVE and DOPPEL_CONFIG_FILE are not seen.
     */
    private fun launchEnvOf(configuration: RunConfiguration): Map<String, String> =
        (configuration as? CommonProgramRunConfigurationParameters)?.envs
            ?: (configuration as? ExternalSystemRunConfiguration)?.settings?.env
            ?: emptyMap()

    private fun relaunchWithTargetDialog(environment: ExecutionEnvironment) {
        ApplicationManager.getApplication().invokeLater {
            val again = ExecutionEnvironmentBuilder(environment).build()
            again.putUserData(PICK_TARGET, true)
            ExecutionManager.getInstance(environment.project).restartRunProfile(again)
        }
    }

    /** The core's LaunchUi on a progress indicator: progress lines as its text, dialogs on the UI thread. */
    private class IndicatorUi(private val project: Project, private val indicator: ProgressIndicator) : LaunchUi {
        private val service = DoppelProjectService.getInstance(project)

        override fun progress(event: ProgressEvent) {
            indicator.text2 = "${event.phase}: ${event.message}"
        }

        override fun log(event: LogEvent) {
            if (event.isUserFacing) DoppelNotifications.warning(project, event.message)
        }

        override fun isCancelled() = indicator.isCanceled

        override fun pickTarget(model: TargetDialogModel): TargetItem? = onUiThread { TargetDialog(project, model).pick() }

        override fun pickNamespace(known: List<String>): String? = onUiThread { TargetDialog.pickNamespace(project, known) }

        private fun <T> onUiThread(show: () -> T): T {
            val result = AtomicReference<T>()
            ApplicationManager.getApplication().invokeAndWait({ result.set(show()) }, indicator.modalityState)
            service.log("doppel: dialog answered ${result.get() ?: "cancel"}")
            return result.get()
        }
    }

    companion object {
        val ID: Key<DoppelBeforeRunTask> = Key.create("doppel.startSession")

        /** Set on a relaunch asked for by an error's "Select Target": the dialog is shown whatever the config says. */
        private val PICK_TARGET: Key<Boolean> = Key.create("doppel.pickTarget")
    }
}
