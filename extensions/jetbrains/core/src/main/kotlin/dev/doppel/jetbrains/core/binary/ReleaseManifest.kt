// The release manifest, the same document the VS Code extension reads (extensions/vscode/src/binary/manager.ts):
// {"releases":[{"version":"0.2.0","protocol":1,"files":[{"path":"shared/dist/cli.js","url":"…","sha256":"…"}]}]}
package dev.doppel.jetbrains.core.binary

import dev.doppel.jetbrains.core.protocol.ReleaseError
import kotlinx.serialization.SerializationException
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.Json

@Serializable
data class ReleaseFile(
    /** Where the file goes inside the installation, e.g. "native-layer/build/libdoppel_layer.so". */
    val path: String,
    val url: String,
    val sha256: String,
)

@Serializable
data class Release(
    val version: String,
    /** The IDE protocol its CLI speaks (docs/ide-protocol.md). */
    val protocol: Int,
    val files: List<ReleaseFile>,
)

@Serializable
data class ReleaseManifest(val releases: List<Release>) {
    companion object {
        private val json = Json { ignoreUnknownKeys = true }

        fun parse(text: String, url: String): ReleaseManifest = try {
            json.decodeFromString(serializer(), text)
        } catch (error: SerializationException) {
            throw ReleaseError("the release manifest at $url is not valid: ${error.message}", error)
        } catch (error: IllegalArgumentException) {
            throw ReleaseError("the release manifest at $url is not valid: ${error.message}", error)
        }

        fun encode(manifest: ReleaseManifest): String = json.encodeToString(serializer(), manifest)
    }
}
