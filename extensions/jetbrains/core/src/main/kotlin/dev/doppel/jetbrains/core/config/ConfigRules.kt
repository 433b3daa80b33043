// Which configuration a launch asks doppel for. The order (the active override > DOPPEL_CONFIG_FILE in the run
// configuration's environment > the project's .doppel/ default > the mirrord names) is applied by the CLI itself
// (`doppel ide configs/resolve`, docs/ide-protocol.md); the plugin only passes what it knows and expands the
// JetBrains macro a run configuration may use in the file variable.
package dev.doppel.jetbrains.core.config

import dev.doppel.jetbrains.core.protocol.IdeEventDecoder

/** The variables that name the configuration file, doppel's and its mirrord alias. */
val CONFIG_FILE_VARIABLES: List<String> = listOf("DOPPEL_CONFIG_FILE", "MIRRORD_CONFIG_FILE")

/** JetBrains' macro for the project's root, allowed in the file variables (`$ProjectPath$/.doppel/staging.json`). */
const val PROJECT_PATH_MACRO = "\$ProjectPath\$"

data class ConfigRequest(
    /** The project's root (or the run configuration's module root): the default configuration is searched there. */
    val workspace: String,
    /** The active configuration picked with "Select Active Config"; null when cleared. */
    val activeOverride: String?,
    /** The run configuration's environment variables. */
    val launchEnv: Map<String, String>,
    /** What [PROJECT_PATH_MACRO] stands for. */
    val projectPath: String,
)

object ConfigRules {
    /** [env] with [PROJECT_PATH_MACRO] expanded in the configuration-file variables (and nowhere else). */
    fun expandMacros(env: Map<String, String>, projectPath: String): Map<String, String> =
        env.mapValues { (name, value) ->
            if (name in CONFIG_FILE_VARIABLES) value.replace(PROJECT_PATH_MACRO, projectPath) else value
        }

    /** The `doppel ide` options that choose the configuration for one launch. */
    fun configArgs(request: ConfigRequest): List<String> {
        val args = mutableListOf("--workspace", request.workspace)
        if (request.activeOverride != null) args += listOf("--config", request.activeOverride)
        args += listOf("--env-json", IdeEventDecoder.encodeEnv(expandMacros(request.launchEnv, request.projectPath)))
        return args
    }
}
