// The target chosen last, per configuration file, so the dialog preselects it next time. The binding keeps the
// map in the project's persistent state; the key of a launch without a file is the empty string.
package dev.doppel.jetbrains.core.target

class LastTargets(private val byConfig: MutableMap<String, String>) {
    fun recall(configPath: String?): String? = byConfig[configPath ?: ""]

    fun remember(configPath: String?, target: String) {
        byConfig[configPath ?: ""] = target
    }
}
