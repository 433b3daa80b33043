// The plugin's settings (Settings | Tools | doppel), with the VS Code extension's names and defaults, plus the
// Node.js path a JetBrains IDE needs (it ships none). The binding stores them; every decision on them is here.
package dev.doppel.jetbrains.core.settings

import dev.doppel.jetbrains.core.binary.AutoUpdate

data class DoppelSettings(
    /** Whether doppel is on for runs when a project opens (the toolbar toggle changes it for the session). */
    val enabledByDefault: Boolean = false,
    /** "true": the newest compatible release; "false": the bundled installation; "x.y.z": exactly that version. */
    val autoUpdate: String = "true",
    /** Where the release manifest of doppel's CLI and native layer is read from. */
    val releaseUrl: String = DEFAULT_RELEASE_URL,
    /** A doppel CLI (shared/dist/cli.js of an installation) to use instead of a managed one. */
    val binaryPath: String = "",
    /** The Node.js executable that runs the CLI; blank: `node` on PATH. */
    val nodePath: String = "",
) {
    /** Every problem of these settings, as the settings page shows them; empty when they are valid. */
    fun problems(): List<String> = buildList {
        runCatching { AutoUpdate.parse(autoUpdate) }.exceptionOrNull()?.let { add(it.message ?: "auto-update is invalid") }
        if (!releaseUrl.startsWith("https://") && !releaseUrl.startsWith("http://")) {
            add("the release URL must start with https:// (or http://), got \"$releaseUrl\"")
        }
    }

    companion object {
        const val DEFAULT_RELEASE_URL = "https://doppel.dev/releases/manifest.json"
    }
}
