// How to run one doppel CLI: Node.js and the CLI's entry (shared/dist/cli.js of an installation). JetBrains IDEs
// ship no Node.js, so the executable comes from the settings or from PATH.
package dev.doppel.jetbrains.core.client

import java.io.File
import java.nio.file.Files
import java.nio.file.Path

data class CliCommand(val node: String, val args: List<String>) {
    companion object {
        fun forEntry(node: String, cliEntry: Path): CliCommand = CliCommand(node, listOf(cliEntry.toString()))
    }
}

object NodeLocator {
    /**
     * The Node.js executable: [configured] when the user set one, else the first `node` on [path] (a PATH value);
     * null when there is none, and the binding asks the user to install Node.js or set its path.
     */
    fun locate(configured: String, path: String?): String? {
        if (configured.isNotBlank()) return configured
        return (path ?: "").split(File.pathSeparator)
            .filter { it.isNotEmpty() }
            .map { Path.of(it, "node") }
            .firstOrNull { Files.isRegularFile(it) && Files.isExecutable(it) }
            ?.toString()
    }
}
