// Notifications of the "doppel" group. An error from `doppel ide` gets the buttons the CLI offers for it
// (open the file at the problem, pick another target, settings, log); other failures name what to do.
package dev.doppel.jetbrains.ui

import com.intellij.notification.NotificationAction
import com.intellij.notification.NotificationGroupManager
import com.intellij.notification.NotificationType
import com.intellij.openapi.fileEditor.OpenFileDescriptor
import com.intellij.openapi.options.ShowSettingsUtil
import com.intellij.openapi.project.Project
import com.intellij.openapi.vfs.LocalFileSystem
import dev.doppel.jetbrains.core.protocol.DoppelPluginError
import dev.doppel.jetbrains.core.protocol.ErrorEvent
import dev.doppel.jetbrains.core.protocol.IdeAction
import dev.doppel.jetbrains.core.protocol.IdeCommandError
import dev.doppel.jetbrains.settings.DoppelConfigurable

object DoppelNotifications {
    private const val GROUP = "doppel"

    fun info(project: Project, text: String) = notify(project, text, NotificationType.INFORMATION)

    fun warning(project: Project, text: String) = notify(project, text, NotificationType.WARNING)

    /** A failure of the core; [selectTarget] relaunches with the target dialog (the error's "Select Target"). */
    fun error(project: Project, error: Throwable, selectTarget: () -> Unit) {
        if (error is IdeCommandError) return ideError(project, error.event, selectTarget)
        val text = if (error is DoppelPluginError) error.message ?: error.code else "doppel failed unexpectedly: $error"
        val notification = group().createNotification("doppel: $text", NotificationType.ERROR)
        notification.addAction(NotificationAction.createSimple(IdeAction.SHOW_OUTPUT.title) { DoppelLog.show(project) })
        notification.notify(project)
    }

    private fun ideError(project: Project, event: ErrorEvent, selectTarget: () -> Unit) {
        val more = if (event.problems.size > 1) " (+${event.problems.size - 1} more problems, see the log)" else ""
        val hint = event.hint?.let { " — $it" } ?: ""
        val notification = group().createNotification("doppel: ${event.message}$more$hint", NotificationType.ERROR)
        for (action in event.ideActions) {
            notification.addAction(
                NotificationAction.createSimpleExpiring(action.title) {
                    when (action) {
                        IdeAction.OPEN_CONFIG -> openAt(project, event)
                        IdeAction.SELECT_TARGET -> selectTarget()
                        IdeAction.OPEN_SETTINGS -> ShowSettingsUtil.getInstance().showSettingsDialog(project, DoppelConfigurable::class.java)
                        IdeAction.SHOW_OUTPUT -> DoppelLog.show(project)
                    }
                },
            )
        }
        notification.notify(project)
    }

    private fun openAt(project: Project, event: ErrorEvent) {
        val file = event.file?.let { LocalFileSystem.getInstance().refreshAndFindFileByPath(it) } ?: return
        val line = maxOf(0, (event.line ?: 1) - 1)
        val column = maxOf(0, (event.column ?: 1) - 1)
        OpenFileDescriptor(project, file, line, column).navigate(true)
    }

    private fun notify(project: Project, text: String, type: NotificationType) =
        group().createNotification("doppel: $text", type).notify(project)

    private fun group() = NotificationGroupManager.getInstance().getNotificationGroup(GROUP)
}
