// Which installation the plugin runs, against a release server on loopback: the CLI path, the bundled one, an
// update that is downloaded, verified and really runs, a bad checksum, an unreachable server, pinned versions,
// no downgrade, protocol compatibility, and a file path that leaves the installation.
package dev.doppel.jetbrains.core.binary

import dev.doppel.jetbrains.core.TestCli
import dev.doppel.jetbrains.core.client.CliCommand
import dev.doppel.jetbrains.core.protocol.IDE_PROTOCOL_VERSION
import dev.doppel.jetbrains.core.protocol.ReleaseError
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.net.InetAddress
import java.net.ServerSocket
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.name

class BinaryManagerTest {
    @TempDir
    lateinit var storage: Path

    private val server = ReleaseServer()
    private val logged = mutableListOf<String>()
    private val bundledRoot = Path.of("/opt/dpl-jb-bundled")

    @AfterEach
    fun stopServer() = server.close()

    private fun manager(
        autoUpdate: AutoUpdate = AutoUpdate.On,
        url: String = server.manifestUrl,
        binaryPath: String = "",
    ) = BinaryManager(
        BinaryOptions(
            bundledRoot = bundledRoot,
            bundledVersion = "0.1.0",
            storageDir = storage,
            autoUpdate = autoUpdate,
            releaseUrl = url,
            binaryPath = binaryPath,
            protocol = IDE_PROTOCOL_VERSION,
            log = { logged.add(it) },
            timeout = Duration.ofSeconds(20),
        ),
    )

    private fun assertBundled(resolution: Resolution) {
        assertEquals(Installation(InstallationSource.BUNDLED, "0.1.0", bundledRoot.resolve(CLI_ENTRY)), resolution.installation)
    }

    private fun leftovers() = if (Files.exists(storage)) storage.listDirectoryEntries().map { it.name }.filter { it.startsWith("staging-") } else emptyList()

    @Test
    fun `a newer compatible release is downloaded, verified, runs, and is reused`() {
        server.publish(ReleaseManifest(listOf(server.release("0.2.0"), server.release("0.1.5"))))
        val resolution = manager().resolve()
        assertNull(resolution.notice)
        val installation = resolution.installation
        assertEquals(InstallationSource.DOWNLOADED to "0.2.0", installation.source to installation.version)
        assertEquals(storage.resolve("versions/0.2.0").resolve(CLI_ENTRY), installation.cli)
        val hello = TestCli.client(command = CliCommand.forEntry(TestCli.node, installation.cli)).version()
        assertEquals(IDE_PROTOCOL_VERSION, hello.protocol)
        assertEquals(emptyList<String>(), leftovers())

        server.requests.clear()
        assertEquals(installation, manager().resolve().installation)
        assertEquals(listOf("/manifest.json"), server.requests, "a finished version is not downloaded again")
    }

    @Test
    fun `a file whose sha256 differs is rejected and the bundled installation used`() {
        server.publish(ReleaseManifest(listOf(server.release("0.2.0", corrupt = "shared/package.json"))))
        val resolution = manager().resolve()
        assertBundled(resolution)
        assertTrue(resolution.notice!!.contains("sha256"), resolution.notice)
        assertFalse(Files.exists(storage.resolve("versions/0.2.0")), "nothing unverified is installed")
        assertEquals(emptyList<String>(), leftovers())
    }

    @Test
    fun `an unreachable release server falls back to the bundled installation with a notice`() {
        val closedPort = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }
        val resolution = manager(url = "http://127.0.0.1:$closedPort/manifest.json").resolve()
        assertBundled(resolution)
        assertTrue(resolution.notice!!.contains("cannot reach"), resolution.notice)
        assertTrue(logged.any { it.contains("using the bundled doppel 0.1.0") }, "logged: $logged")
    }

    @Test
    fun `a missing manifest and a malformed one are reported`() {
        assertTrue(manager().resolve().notice!!.contains("HTTP 404"))
        server.serve("/manifest.json", """{"versions":[]}""".toByteArray())
        assertTrue(manager().resolve().notice!!.contains("is not valid"))
    }

    @Test
    fun `auto-update never moves below the bundled version`() {
        server.publish(ReleaseManifest(listOf(server.release("0.0.9"), server.release("0.1.0"))))
        val resolution = manager().resolve()
        assertBundled(resolution)
        assertNull(resolution.notice)
        assertEquals(listOf("/manifest.json"), server.requests)
    }

    @Test
    fun `auto-update skips releases of another protocol`() {
        server.publish(ReleaseManifest(listOf(server.release("0.3.0", protocol = 2), server.release("0.2.0"))))
        assertEquals("0.2.0", manager().resolve().installation.version)
    }

    @Test
    fun `a pinned version is installed even when older than the bundled one`() {
        server.publish(ReleaseManifest(listOf(server.release("0.2.0"), server.release("0.0.9"))))
        val installation = manager(AutoUpdate.Pinned("0.0.9")).resolve().installation
        assertEquals(InstallationSource.DOWNLOADED to "0.0.9", installation.source to installation.version)
    }

    @Test
    fun `a pinned version that is bundled, missing or incompatible`() {
        server.publish(ReleaseManifest(listOf(server.release("0.1.0"), server.release("0.4.0", protocol = 2))))
        val same = manager(AutoUpdate.Pinned("0.1.0")).resolve()
        assertBundled(same)
        assertNull(same.notice)
        assertTrue(manager(AutoUpdate.Pinned("0.3.3")).resolve().notice!!.contains("0.3.3 is not in the release manifest"))
        assertTrue(manager(AutoUpdate.Pinned("0.4.0")).resolve().notice!!.contains("speaks IDE protocol 2"))
    }

    @Test
    fun `auto-update off and a configured CLI path ask no server`() {
        assertBundled(manager(AutoUpdate.Off).resolve())
        val custom = manager(binaryPath = "/home/me/doppel/shared/dist/cli.js").resolve().installation
        assertEquals(InstallationSource.PATH to Path.of("/home/me/doppel/shared/dist/cli.js"), custom.source to custom.cli)
        assertEquals(emptyList<String>(), server.requests)
    }

    @Test
    fun `a release file path that leaves the installation is refused`() {
        val escaping = server.release("0.2.0", extra = listOf("../../dpl-jb-escape" to "x".toByteArray()))
        server.publish(ReleaseManifest(listOf(escaping)))
        val resolution = manager().resolve()
        assertBundled(resolution)
        assertTrue(resolution.notice!!.contains("leaves the installation"), resolution.notice)
        assertFalse(Files.exists(storage.resolve("../dpl-jb-escape").normalize()))
    }

    @Test
    fun `the auto-update setting is true, false or an exact version`() {
        assertEquals(AutoUpdate.On, AutoUpdate.parse("true"))
        assertEquals(AutoUpdate.Off, AutoUpdate.parse(" false "))
        assertEquals(AutoUpdate.Pinned("0.2.1"), AutoUpdate.parse("0.2.1"))
        for (bad in listOf("latest", "0.2", "v0.2.1", "")) {
            val error = assertThrows<ReleaseError> { AutoUpdate.parse(bad) }
            assertNotNull(error.message)
        }
    }
}
