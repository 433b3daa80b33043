// RubyMine (and the Ruby plugin): Ruby and Rails run configurations.
package dev.doppel.jetbrains.products

import com.intellij.execution.configurations.GeneralCommandLine
import com.intellij.execution.configurations.RunnerSettings
import dev.doppel.jetbrains.core.runtypes.RunTypes
import dev.doppel.jetbrains.execution.EnvInjection
import org.jetbrains.plugins.ruby.ruby.run.configuration.AbstractRubyRunConfiguration
import org.jetbrains.plugins.ruby.ruby.run.configuration.RubyRunConfigurationExtension

class RubyRunExtension : RubyRunConfigurationExtension() {
    override fun isApplicableFor(configuration: AbstractRubyRunConfiguration<*>): Boolean =
        RunTypes.rowForConfigurationType(configuration.type.id) != null

    override fun isEnabledFor(applicableConfiguration: AbstractRubyRunConfiguration<*>, runnerSettings: RunnerSettings?) = true

    override fun patchCommandLine(
        configuration: AbstractRubyRunConfiguration<*>,
        runnerSettings: RunnerSettings?,
        cmdLine: GeneralCommandLine,
        runnerId: String,
    ) {
        EnvInjection.sessionFor(configuration)?.let { EnvInjection.apply(it, cmdLine) }
    }
}
