// "Select Active Config": the candidate files of the project (from `doppel ide configs`), labelled relative to
// the project, the current override marked, and "Clear" to go back to the rules. The choice holds for every run
// of the project until cleared.
package dev.doppel.jetbrains.core.config

import dev.doppel.jetbrains.core.protocol.ConfigsEvent
import java.nio.file.Path

data class ActiveConfigItem(
    val label: String,
    /** The file to use as the active configuration; null for "Clear". */
    val path: String?,
    val isActive: Boolean,
)

object ActiveConfigChoices {
    const val CLEAR_LABEL = "Clear (use the rules: DOPPEL_CONFIG_FILE, then the project's .doppel/ default)"

    fun items(configs: ConfigsEvent, activeOverride: String?): List<ActiveConfigItem> {
        val root = Path.of(configs.workspace)
        val files = configs.candidates.map { path ->
            ActiveConfigItem(root.relativize(Path.of(path)).toString(), path, path == activeOverride)
        }
        return files + ActiveConfigItem(CLEAR_LABEL, null, false)
    }
}
