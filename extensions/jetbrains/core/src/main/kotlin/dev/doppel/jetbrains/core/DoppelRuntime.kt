// The composition the binding calls when it needs a client: the installation the settings ask for (binary
// manager), the Node.js that runs it, and an IdeClient on both. Blocking (it may download): never on the UI thread.
package dev.doppel.jetbrains.core

import dev.doppel.jetbrains.core.binary.AutoUpdate
import dev.doppel.jetbrains.core.binary.BinaryManager
import dev.doppel.jetbrains.core.binary.BinaryOptions
import dev.doppel.jetbrains.core.binary.Installation
import dev.doppel.jetbrains.core.client.CliCommand
import dev.doppel.jetbrains.core.client.IdeClient
import dev.doppel.jetbrains.core.client.NodeLocator
import dev.doppel.jetbrains.core.protocol.IDE_PROTOCOL_VERSION
import dev.doppel.jetbrains.core.protocol.IdeProtocolError
import dev.doppel.jetbrains.core.settings.DoppelSettings
import java.nio.file.Path

data class PluginEnvironment(
    /** The installation shipped inside the plugin (its `bundled/` directory) and the plugin's version. */
    val bundledRoot: Path,
    val bundledVersion: String,
    /** Where downloaded versions are kept (the IDE's system directory for the plugin). */
    val storageDir: Path,
    /** The IDE's environment: the CLI runs with it, and PATH is searched for node. */
    val env: Map<String, String>,
    val log: (String) -> Unit,
)

data class ClientResolution(val client: IdeClient, val installation: Installation, val notice: String?)

object DoppelRuntime {
    fun resolveClient(settings: DoppelSettings, plugin: PluginEnvironment): ClientResolution {
        val node = NodeLocator.locate(settings.nodePath, plugin.env["PATH"])
            ?: throw IdeProtocolError(
                "doppel needs Node.js 20 or newer to run its CLI and found no `node` on PATH. Install Node.js, or set " +
                    "its path under Settings | Tools | doppel.",
            )
        val resolution = BinaryManager(
            BinaryOptions(
                bundledRoot = plugin.bundledRoot,
                bundledVersion = plugin.bundledVersion,
                storageDir = plugin.storageDir,
                autoUpdate = AutoUpdate.parse(settings.autoUpdate),
                releaseUrl = settings.releaseUrl,
                binaryPath = settings.binaryPath,
                protocol = IDE_PROTOCOL_VERSION,
                log = plugin.log,
            ),
        ).resolve()
        val installation = resolution.installation
        plugin.log("doppel: using the ${installation.source.name.lowercase()} CLI ${installation.cli} (${installation.version})")
        val client = IdeClient(CliCommand.forEntry(node, installation.cli), plugin.log, plugin.env)
        return ClientResolution(client, installation, resolution.notice)
    }
}
