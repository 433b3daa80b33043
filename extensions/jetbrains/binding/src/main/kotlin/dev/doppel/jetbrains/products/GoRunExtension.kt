// GoLand (and the Go plugin): only the command line that runs the program is patched, not the build's.
package dev.doppel.jetbrains.products

import com.goide.execution.GoRunConfigurationBase
import com.goide.execution.GoRunningState
import com.goide.execution.extension.GoRunConfigurationExtension
import com.intellij.execution.configurations.RunnerSettings
import com.intellij.execution.target.TargetedCommandLineBuilder
import dev.doppel.jetbrains.core.runtypes.RunTypes
import dev.doppel.jetbrains.execution.EnvInjection

class GoRunExtension : GoRunConfigurationExtension() {
    override fun isApplicableFor(configuration: GoRunConfigurationBase<*>): Boolean =
        RunTypes.rowForConfigurationType(configuration.type.id) != null

    override fun isEnabledFor(applicableConfiguration: GoRunConfigurationBase<*>, runnerSettings: RunnerSettings?) = true

    override fun patchCommandLine(
        configuration: GoRunConfigurationBase<*>,
        runnerSettings: RunnerSettings?,
        cmdLine: TargetedCommandLineBuilder,
        runnerId: String,
        state: GoRunningState<out GoRunConfigurationBase<*>>,
        commandLineType: GoRunningState.CommandLineType,
    ) {
        if (commandLineType != GoRunningState.CommandLineType.RUN) return
        EnvInjection.sessionFor(configuration)?.let { EnvInjection.apply(it, cmdLine) }
    }
}
