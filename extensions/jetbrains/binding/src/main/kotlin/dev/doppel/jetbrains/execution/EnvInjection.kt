// The session's environment applied to each kind of command line the products build. The core's EnvPatch says
// what to set and remove; these only move it into the platform's types. A parent environment the IDE would add
// is folded in first, so removals reach inherited variables too.
package dev.doppel.jetbrains.execution

import com.intellij.execution.configurations.GeneralCommandLine
import com.intellij.execution.configurations.RunConfiguration
import com.intellij.execution.configurations.SimpleJavaParameters
import com.intellij.execution.target.TargetedCommandLineBuilder
import com.intellij.util.EnvironmentUtil
import dev.doppel.jetbrains.core.launch.Prepared
import dev.doppel.jetbrains.core.launch.StaleSessionCheck
import dev.doppel.jetbrains.core.runtypes.EnvDelivery
import dev.doppel.jetbrains.services.DoppelProjectService

object EnvInjection {
    /** The started session of [configuration]'s launch when its row delivers into the process environment. */
    fun sessionFor(configuration: RunConfiguration): Prepared.Started? =
        DoppelProjectService.getInstance(configuration.project).peekPending(launchKey(configuration))
            ?.takeIf { it.row.delivery == EnvDelivery.PROCESS_ENV }

    fun apply(started: Prepared.Started, params: SimpleJavaParameters) {
        StaleSessionCheck.requireClean(started.runConfigurationName, params.env)
        val base = (if (params.isPassParentEnvs) EnvironmentUtil.getEnvironmentMap() else emptyMap()) + params.env
        params.env = started.patch.applyTo(base)
        params.isPassParentEnvs = false
    }

    fun apply(started: Prepared.Started, commandLine: GeneralCommandLine) {
        StaleSessionCheck.requireClean(started.runConfigurationName, commandLine.environment)
        val full = started.patch.applyTo(commandLine.effectiveEnvironment)
        commandLine.environment.clear()
        commandLine.environment.putAll(full)
        commandLine.withParentEnvironmentType(GeneralCommandLine.ParentEnvironmentType.NONE)
    }

    fun apply(started: Prepared.Started, builder: TargetedCommandLineBuilder) {
        for (name in started.patch.unset) builder.removeEnvironmentVariable(name)
        for ((name, value) in started.patch.set) builder.addEnvironmentVariable(name, value)
    }
}
