// WebStorm (and the Node.js plugin): Node.js and npm run configurations.
package dev.doppel.jetbrains.products

import com.intellij.execution.configurations.RunConfiguration
import com.intellij.execution.runners.ExecutionEnvironment
import com.intellij.javascript.nodejs.execution.AbstractNodeTargetRunProfile
import com.intellij.javascript.nodejs.execution.NodeTargetRun
import com.intellij.javascript.nodejs.execution.runConfiguration.AbstractNodeRunConfigurationExtension
import com.intellij.javascript.nodejs.execution.runConfiguration.NodeRunConfigurationLaunchSession
import dev.doppel.jetbrains.core.runtypes.RunTypes
import dev.doppel.jetbrains.execution.EnvInjection

class NodeRunExtension : AbstractNodeRunConfigurationExtension() {
    override fun isApplicableFor(profile: AbstractNodeTargetRunProfile): Boolean =
        profile is RunConfiguration && RunTypes.rowForConfigurationType(profile.type.id) != null

    override fun createLaunchSession(
        configuration: AbstractNodeTargetRunProfile,
        environment: ExecutionEnvironment,
    ): NodeRunConfigurationLaunchSession? {
        val started = (configuration as? RunConfiguration)?.let(EnvInjection::sessionFor) ?: return null
        return object : NodeRunConfigurationLaunchSession() {
            override fun addNodeOptionsTo(targetRun: NodeTargetRun) {
                EnvInjection.apply(started, targetRun.commandLineBuilder)
            }
        }
    }
}
