// Which doppel installation (CLI + native layer + agent) the plugin runs, with the VS Code extension's rules: a
// configured CLI path wins outright; otherwise the installation bundled in the plugin, unless auto-update finds a
// newer compatible release (on) or names one (pinned) in the manifest at the release URL. A release is downloaded
// into the plugin's storage, every file checked against its sha256, and moved into place with one rename, so a
// half-finished download is never used. Any failure falls back to the bundled installation, with a notice.
package dev.doppel.jetbrains.core.binary

import dev.doppel.jetbrains.core.protocol.ReleaseError
import org.semver4j.Semver
import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.security.MessageDigest
import java.time.Duration
import java.util.HexFormat
import java.util.UUID

/** The CLI's entry inside an installation; the layer and agent sit where it looks for them. */
const val CLI_ENTRY = "shared/dist/cli.js"

/** Written last into a downloaded version: a directory without it is not an installation. */
private const val COMPLETE_MARKER = ".complete"

enum class InstallationSource { PATH, BUNDLED, DOWNLOADED }

data class Installation(val source: InstallationSource, val version: String, val cli: Path)

data class Resolution(
    val installation: Installation,
    /** Why the choice differs from what the settings asked for; shown to the user once. */
    val notice: String?,
)

data class BinaryOptions(
    /** Root of the installation shipped in the plugin, and its version (the plugin's). */
    val bundledRoot: Path,
    val bundledVersion: String,
    /** The plugin's storage directory for downloaded versions. */
    val storageDir: Path,
    val autoUpdate: AutoUpdate,
    val releaseUrl: String,
    /** A CLI entry (shared/dist/cli.js) to use instead of a managed installation; blank for none. */
    val binaryPath: String,
    /** The IDE protocol the plugin speaks. */
    val protocol: Int,
    val log: (String) -> Unit,
    /** Network timeout of each request. */
    val timeout: Duration = Duration.ofSeconds(30),
)

class BinaryManager(private val options: BinaryOptions) {
    private val http: HttpClient = HttpClient.newBuilder()
        .connectTimeout(options.timeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build()

    fun resolve(): Resolution {
        if (options.binaryPath.isNotBlank()) {
            return Resolution(Installation(InstallationSource.PATH, "unknown", Path.of(options.binaryPath)), null)
        }
        if (options.autoUpdate == AutoUpdate.Off) return Resolution(bundled(), null)
        return try {
            val manifest = ReleaseManifest.parse(String(fetch(options.releaseUrl), Charsets.UTF_8), options.releaseUrl)
            val release = chooseRelease(manifest) ?: return Resolution(bundled(), null)
            Resolution(install(release), null)
        } catch (error: ReleaseError) {
            options.log("doppel update: ${error.message}; using the bundled doppel ${options.bundledVersion}")
            Resolution(
                bundled(),
                "doppel could not update (${error.message}); it uses the bundled version ${options.bundledVersion}.",
            )
        }
    }

    /** The release the settings ask for, or null when the bundled installation is already the right one. */
    fun chooseRelease(manifest: ReleaseManifest): Release? {
        when (val autoUpdate = options.autoUpdate) {
            is AutoUpdate.Pinned -> {
                val pinned = manifest.releases.firstOrNull { it.version == autoUpdate.version }
                    ?: throw ReleaseError("version ${autoUpdate.version} is not in the release manifest")
                if (pinned.protocol != options.protocol) {
                    throw ReleaseError(
                        "doppel ${pinned.version} speaks IDE protocol ${pinned.protocol}, this plugin needs " +
                            "${options.protocol}; pin a compatible version",
                    )
                }
                return if (pinned.version == options.bundledVersion) null else pinned
            }
            AutoUpdate.On -> {
                // Automatic updates only ever move forward from the bundled version.
                val bundledVersion = Semver.parse(options.bundledVersion)
                    ?: throw ReleaseError("the bundled version ${options.bundledVersion} is not a semantic version")
                return manifest.releases
                    .filter { it.protocol == options.protocol }
                    .mapNotNull { release -> Semver.parse(release.version)?.let { release to it } }
                    .maxWithOrNull { a, b -> a.second.compareTo(b.second) }
                    ?.takeIf { it.second.isGreaterThan(bundledVersion) }
                    ?.first
            }
            AutoUpdate.Off -> return null
        }
    }

    private fun bundled() = Installation(InstallationSource.BUNDLED, options.bundledVersion, options.bundledRoot.resolve(CLI_ENTRY))

    private fun versionsDir(): Path = options.storageDir.resolve("versions")

    private fun fetch(url: String): ByteArray {
        val request = try {
            HttpRequest.newBuilder(URI.create(url)).timeout(options.timeout).GET().build()
        } catch (error: IllegalArgumentException) {
            throw ReleaseError("$url is not a valid URL: ${error.message}", error)
        }
        val response = try {
            http.send(request, HttpResponse.BodyHandlers.ofByteArray())
        } catch (error: IOException) {
            throw ReleaseError("cannot reach $url: ${error.message ?: error.javaClass.simpleName}", error)
        }
        if (response.statusCode() !in 200..299) throw ReleaseError("$url answered HTTP ${response.statusCode()}")
        return response.body()
    }

    private fun safeTarget(root: Path, path: String): Path {
        val target = root.resolve(path).normalize()
        if (!target.startsWith(root) || target == root) {
            throw ReleaseError("release file path $path leaves the installation")
        }
        return target
    }

    /** Downloads [release] into versions/<version>, verified; a finished version is reused. */
    private fun install(release: Release): Installation {
        val finalDir = versionsDir().resolve(release.version)
        val installed = Installation(InstallationSource.DOWNLOADED, release.version, finalDir.resolve(CLI_ENTRY))
        if (Files.exists(finalDir.resolve(COMPLETE_MARKER))) return installed
        if (release.files.none { it.path == CLI_ENTRY }) throw ReleaseError("release ${release.version} has no $CLI_ENTRY")
        Files.createDirectories(options.storageDir)
        val staging = options.storageDir.resolve("staging-${release.version}-${UUID.randomUUID()}").toAbsolutePath()
        try {
            for (file in release.files) {
                val bytes = fetch(file.url)
                val digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                if (digest != file.sha256.lowercase()) {
                    throw ReleaseError("${file.url}: sha256 is $digest, the manifest says ${file.sha256}")
                }
                val target = safeTarget(staging, file.path)
                Files.createDirectories(target.parent)
                Files.write(target, bytes)
            }
            Files.writeString(staging.resolve(COMPLETE_MARKER), "${release.version}\n")
            Files.createDirectories(versionsDir())
            deleteTree(finalDir)
            Files.move(staging, finalDir, StandardCopyOption.ATOMIC_MOVE)
            options.log("doppel ${release.version} installed in $finalDir")
            return installed
        } catch (error: IOException) {
            throw ReleaseError("cannot install doppel ${release.version} in $finalDir: ${error.message}", error)
        } finally {
            deleteTree(staging)
        }
    }

    private fun deleteTree(root: Path) {
        if (!Files.exists(root)) return
        Files.walk(root).use { paths -> paths.sorted(Comparator.reverseOrder()).forEach(Files::delete) }
    }
}
