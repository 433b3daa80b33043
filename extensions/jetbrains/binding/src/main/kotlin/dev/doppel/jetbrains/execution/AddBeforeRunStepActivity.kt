// Run configurations that existed before the plugin was installed get the "doppel: start session" step once, at
// the end of their Before launch list (new ones get it from DoppelBeforeRunTaskProvider.createTask). The step does
// nothing while doppel is off.
package dev.doppel.jetbrains.execution

import com.intellij.execution.RunManager
import com.intellij.execution.RunManagerEx
import com.intellij.openapi.project.Project
import com.intellij.openapi.startup.ProjectActivity
import dev.doppel.jetbrains.core.runtypes.RunTypes

class AddBeforeRunStepActivity : ProjectActivity {
    override suspend fun execute(project: Project) {
        val runManager = RunManagerEx.getInstanceEx(project)
        for (settings in RunManager.getInstance(project).allSettings) {
            val configuration = settings.configuration
            if (RunTypes.rowForConfigurationType(configuration.type.id) == null) continue
            val tasks = runManager.getBeforeRunTasks(configuration)
            if (tasks.any { it.providerId == DoppelBeforeRunTaskProvider.ID }) continue
            runManager.setBeforeRunTasks(configuration, tasks + DoppelBeforeRunTask().also { it.isEnabled = true })
        }
    }
}
