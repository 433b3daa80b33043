// The entries of the toolbar dropdown next to the toggle: select the active configuration, open the settings,
// show the log. Each does one thing; the group is declared in plugin.xml.
package dev.doppel.jetbrains.actions

import com.intellij.openapi.actionSystem.ActionUpdateThread
import com.intellij.openapi.actionSystem.AnAction
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.application.ApplicationManager
import com.intellij.openapi.options.ShowSettingsUtil
import com.intellij.openapi.project.DumbAware
import com.intellij.openapi.project.Project
import com.intellij.openapi.project.guessProjectDir
import com.intellij.openapi.ui.popup.JBPopupFactory
import dev.doppel.jetbrains.core.config.ActiveConfigChoices
import dev.doppel.jetbrains.core.config.ActiveConfigItem
import dev.doppel.jetbrains.core.config.ConfigRequest
import dev.doppel.jetbrains.core.config.ConfigRules
import dev.doppel.jetbrains.services.DoppelProjectService
import dev.doppel.jetbrains.settings.DoppelConfigurable
import dev.doppel.jetbrains.ui.DoppelLog
import dev.doppel.jetbrains.ui.DoppelNotifications

abstract class ProjectAction : AnAction(), DumbAware {
    override fun getActionUpdateThread() = ActionUpdateThread.BGT

    override fun update(e: AnActionEvent) {
        e.presentation.isEnabled = e.project != null
    }

    final override fun actionPerformed(e: AnActionEvent) {
        e.project?.let(::perform)
    }

    abstract fun perform(project: Project)
}

class SelectActiveConfigAction : ProjectAction() {
    override fun perform(project: Project) {
        val service = DoppelProjectService.getInstance(project)
        val root = project.guessProjectDir()?.path ?: return DoppelNotifications.warning(project, "the project has no folder to search for configurations")
        ApplicationManager.getApplication().executeOnPooledThread {
            val items = try {
                val args = ConfigRules.configArgs(ConfigRequest(root, null, emptyMap(), root))
                ActiveConfigChoices.items(service.client().configs(args), service.activeConfig)
            } catch (error: Exception) {
                return@executeOnPooledThread DoppelNotifications.error(project, error) {}
            }
            ApplicationManager.getApplication().invokeLater { choose(project, service, items) }
        }
    }

    private fun choose(project: Project, service: DoppelProjectService, items: List<ActiveConfigItem>) {
        JBPopupFactory.getInstance().createPopupChooserBuilder(items)
            .setTitle("doppel: Select Active Config")
            .setRenderer { _, item, _, _, _ ->
                javax.swing.JLabel(if (item.isActive) "${item.label}  (active)" else item.label)
            }
            .setItemChosenCallback { item ->
                service.activeConfig = item.path
                service.log("doppel: active configuration ${item.path ?: "cleared"}")
            }
            .createPopup()
            .showCenteredInCurrentWindow(project)
    }
}

class OpenSettingsAction : ProjectAction() {
    override fun perform(project: Project) =
        ShowSettingsUtil.getInstance().showSettingsDialog(project, DoppelConfigurable::class.java)
}

class ShowLogAction : ProjectAction() {
    override fun perform(project: Project) = DoppelLog.show(project)
}
