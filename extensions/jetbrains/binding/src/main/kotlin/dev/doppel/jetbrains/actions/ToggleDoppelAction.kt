// The main-toolbar button: doppel on or off for this project's runs (DOPPEL_ACTIVE in a run configuration wins).
package dev.doppel.jetbrains.actions

import com.intellij.openapi.actionSystem.ActionUpdateThread
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.actionSystem.ToggleAction
import com.intellij.openapi.project.DumbAware
import dev.doppel.jetbrains.services.DoppelProjectService

class ToggleDoppelAction : ToggleAction(), DumbAware {
    override fun getActionUpdateThread() = ActionUpdateThread.BGT

    override fun isSelected(e: AnActionEvent): Boolean =
        e.project?.let { DoppelProjectService.getInstance(it).enabled } ?: false

    override fun setSelected(e: AnActionEvent, state: Boolean) {
        val project = e.project ?: return
        DoppelProjectService.getInstance(project).enabled = state
        DoppelProjectService.getInstance(project).log("doppel: turned ${if (state) "on" else "off"} for runs")
    }

    override fun update(e: AnActionEvent) {
        super.update(e)
        val on = isSelected(e)
        e.presentation.text = if (on) "doppel: On" else "doppel: Off"
        e.presentation.description = if (on) "Runs go through doppel; click to turn it off" else "Click to run through doppel"
    }
}
