// The "doppel" tool window: every line the CLI writes and every decision of the plugin, in a console. Lines that
// arrive before the tool window exists are kept (bounded) and shown when it opens; all of them go to idea.log too.
package dev.doppel.jetbrains.ui

import com.intellij.execution.filters.TextConsoleBuilderFactory
import com.intellij.execution.ui.ConsoleView
import com.intellij.execution.ui.ConsoleViewContentType
import com.intellij.openapi.diagnostic.logger
import com.intellij.openapi.project.DumbAware
import com.intellij.openapi.project.Project
import com.intellij.openapi.util.Key
import com.intellij.openapi.wm.ToolWindow
import com.intellij.openapi.wm.ToolWindowFactory
import com.intellij.openapi.wm.ToolWindowManager
import com.intellij.ui.content.ContentFactory
import java.util.ArrayDeque

class DoppelLogToolWindowFactory : ToolWindowFactory, DumbAware {
    override fun createToolWindowContent(project: Project, toolWindow: ToolWindow) {
        val console = TextConsoleBuilderFactory.getInstance().createBuilder(project).console
        toolWindow.contentManager.addContent(ContentFactory.getInstance().createContent(console.component, "", false))
        DoppelLog.attach(project, console)
    }
}

object DoppelLog {
    const val TOOL_WINDOW_ID = "doppel"
    private const val BACKLOG_LINES = 2_000
    private val CONSOLE = Key.create<ConsoleView>("doppel.console")
    private val BACKLOG = Key.create<ArrayDeque<String>>("doppel.backlog")
    private val LOG = logger<DoppelLog>()

    fun append(project: Project, line: String) {
        LOG.info(line)
        synchronized(project) {
            val console = project.getUserData(CONSOLE)
            if (console != null) {
                console.print("$line\n", ConsoleViewContentType.NORMAL_OUTPUT)
                return
            }
            val backlog = project.getUserData(BACKLOG) ?: ArrayDeque<String>().also { project.putUserData(BACKLOG, it) }
            if (backlog.size == BACKLOG_LINES) backlog.removeFirst()
            backlog.addLast(line)
        }
    }

    fun attach(project: Project, console: ConsoleView) {
        synchronized(project) {
            project.putUserData(CONSOLE, console)
            project.getUserData(BACKLOG)?.forEach { console.print("$it\n", ConsoleViewContentType.NORMAL_OUTPUT) }
            project.putUserData(BACKLOG, null)
        }
    }

    fun show(project: Project) {
        ToolWindowManager.getInstance(project).getToolWindow(TOOL_WINDOW_ID)?.show()
    }
}
