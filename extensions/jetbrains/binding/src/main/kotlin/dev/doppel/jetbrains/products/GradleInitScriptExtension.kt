// IntelliJ IDEA with Gradle: a Gradle run configuration's build gets the core's init script (GradleInitScript), so
// the processes its tasks fork carry the session and the Gradle daemon does not. The init script is handed over
// when the build's tasks are executed; returning false lets the platform run them as usual.
package dev.doppel.jetbrains.products

import com.intellij.openapi.application.PathManager
import com.intellij.openapi.externalSystem.model.task.ExternalSystemTaskId
import com.intellij.openapi.externalSystem.model.task.ExternalSystemTaskNotificationListener
import dev.doppel.jetbrains.core.runtypes.EnvDelivery
import dev.doppel.jetbrains.core.runtypes.GradleInitScript
import dev.doppel.jetbrains.services.DoppelProjectService
import org.jetbrains.plugins.gradle.service.task.GradleTaskManagerExtension
import org.jetbrains.plugins.gradle.settings.GradleExecutionSettings
import java.nio.file.Path

class GradleInitScriptExtension : GradleTaskManagerExtension {
    override fun executeTasks(
        id: ExternalSystemTaskId,
        taskNames: List<String>,
        projectPath: String,
        settings: GradleExecutionSettings?,
        jvmParametersSetup: String?,
        listener: ExternalSystemTaskNotificationListener,
    ): Boolean {
        val project = id.findProject() ?: return false
        // The task id does not name its run configuration: the pending Gradle launch of this project is the one.
        val started = DoppelProjectService.getInstance(project).pendingWhere { it.row.delivery == EnvDelivery.GRADLE_FORKED_TASKS }
            ?: return false
        val dir = Path.of(PathManager.getSystemPath(), "doppel", "sessions", started.session.id)
        val script = GradleInitScript.write(dir, started.patch)
        settings?.withArguments(listOf("--init-script", script.toString()))
        return false
    }

    override fun cancelTask(id: ExternalSystemTaskId, listener: ExternalSystemTaskNotificationListener) = false
}
