// IntelliJ IDEA: Application, JUnit/TestNG, Spring Boot, Kotlin and Maven run configurations (com.intellij.java).
package dev.doppel.jetbrains.products

import com.intellij.execution.RunConfigurationExtension
import com.intellij.execution.configurations.JavaParameters
import com.intellij.execution.configurations.RunConfigurationBase
import com.intellij.execution.configurations.RunnerSettings
import dev.doppel.jetbrains.core.runtypes.RunTypes
import dev.doppel.jetbrains.execution.EnvInjection

class JavaRunExtension : RunConfigurationExtension() {
    override fun isApplicableFor(configuration: RunConfigurationBase<*>): Boolean =
        RunTypes.rowForConfigurationType(configuration.type.id) != null

    override fun <T : RunConfigurationBase<*>> updateJavaParameters(configuration: T, params: JavaParameters, runnerSettings: RunnerSettings?) {
        EnvInjection.sessionFor(configuration)?.let { EnvInjection.apply(it, params) }
    }
}
