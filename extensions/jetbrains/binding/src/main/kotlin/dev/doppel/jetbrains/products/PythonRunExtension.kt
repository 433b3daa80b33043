// PyCharm (and the Python plugin): Python scripts and test runners.
package dev.doppel.jetbrains.products

import com.intellij.execution.configurations.GeneralCommandLine
import com.intellij.execution.configurations.RunnerSettings
import com.jetbrains.python.run.AbstractPythonRunConfiguration
import com.jetbrains.python.run.PythonRunConfigurationExtension
import dev.doppel.jetbrains.core.runtypes.RunTypes
import dev.doppel.jetbrains.execution.EnvInjection

class PythonRunExtension : PythonRunConfigurationExtension() {
    override fun isApplicableFor(configuration: AbstractPythonRunConfiguration<*>): Boolean =
        RunTypes.rowForConfigurationType(configuration.type.id) != null

    override fun isEnabledFor(applicableConfiguration: AbstractPythonRunConfiguration<*>, runnerSettings: RunnerSettings?) = true

    override fun patchCommandLine(
        configuration: AbstractPythonRunConfiguration<*>,
        runnerSettings: RunnerSettings?,
        cmdLine: GeneralCommandLine,
        runnerId: String,
    ) {
        EnvInjection.sessionFor(configuration)?.let { EnvInjection.apply(it, cmdLine) }
    }
}
