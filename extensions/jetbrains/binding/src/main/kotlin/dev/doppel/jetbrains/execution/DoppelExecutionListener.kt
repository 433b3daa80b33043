// Ties a session to its run: registered under the run's execution id when the process starts, stopped when the
// process terminates, and stopped at once when the launch never started (a failed build, a cancelled run).
package dev.doppel.jetbrains.execution

import com.intellij.execution.ExecutionListener
import com.intellij.execution.configurations.RunConfiguration
import com.intellij.execution.process.ProcessHandler
import com.intellij.execution.runners.ExecutionEnvironment
import dev.doppel.jetbrains.services.DoppelProjectService

class DoppelExecutionListener : ExecutionListener {
    override fun processStarted(executorId: String, env: ExecutionEnvironment, handler: ProcessHandler) {
        val configuration = env.runProfile as? RunConfiguration ?: return
        val service = DoppelProjectService.getInstance(env.project)
        val started = service.takePending(launchKey(configuration)) ?: return
        service.sessions.register(env.executionId, started.session)
    }

    override fun processTerminated(executorId: String, env: ExecutionEnvironment, handler: ProcessHandler, exitCode: Int) {
        DoppelProjectService.getInstance(env.project).sessions.stop(env.executionId)
    }

    override fun processNotStarted(executorId: String, env: ExecutionEnvironment) {
        val configuration = env.runProfile as? RunConfiguration ?: return
        DoppelProjectService.getInstance(env.project).takePending(launchKey(configuration))?.session?.stop()
    }
}
