// The auto-update setting, as in the VS Code extension: on (the newest compatible release), off (the bundled
// installation), or pinned to one exact version. The settings page stores it as text: "true", "false" or "x.y.z".
package dev.doppel.jetbrains.core.binary

import dev.doppel.jetbrains.core.protocol.ReleaseError
import org.semver4j.Semver

sealed interface AutoUpdate {
    data object On : AutoUpdate

    data object Off : AutoUpdate

    data class Pinned(val version: String) : AutoUpdate

    companion object {
        /** Parses the stored text; a malformed value is a ReleaseError that says what is accepted. */
        fun parse(text: String): AutoUpdate = when (val value = text.trim()) {
            "true" -> On
            "false" -> Off
            else -> if (Semver.parse(value) != null && Regex("""\d+\.\d+\.\d+""").matches(value)) {
                Pinned(value)
            } else {
                throw ReleaseError(
                    "auto-update is \"$value\"; use true, false or an exact version such as 0.2.0",
                )
            }
        }
    }
}
