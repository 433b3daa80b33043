// A release server on loopback (the JDK's HttpServer): serves a manifest and release files from memory and counts
// what was asked for. Releases are built from this repository's CLI bundle, so a downloaded one really runs.
package dev.doppel.jetbrains.core.binary

import com.sun.net.httpserver.HttpServer
import dev.doppel.jetbrains.core.TestCli
import java.net.InetAddress
import java.net.InetSocketAddress
import java.nio.file.Files
import java.security.MessageDigest
import java.util.HexFormat
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList

class ReleaseServer : AutoCloseable {
    private val server = HttpServer.create(InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0)
    private val files = ConcurrentHashMap<String, ByteArray>()

    /** Every path requested, in order. */
    val requests = CopyOnWriteArrayList<String>()

    init {
        server.createContext("/") { exchange ->
            val path = exchange.requestURI.path
            requests.add(path)
            val body = files[path]
            if (body == null) {
                exchange.sendResponseHeaders(404, -1)
            } else {
                exchange.sendResponseHeaders(200, body.size.toLong())
                exchange.responseBody.use { it.write(body) }
            }
            exchange.close()
        }
        server.start()
    }

    val base: String get() = "http://127.0.0.1:${server.address.port}"

    val manifestUrl: String get() = "$base/manifest.json"

    fun serve(path: String, bytes: ByteArray) {
        files[path] = bytes
    }

    fun publish(manifest: ReleaseManifest) = serve("/manifest.json", ReleaseManifest.encode(manifest).toByteArray())

    /**
     * A release of [version] made of this repository's CLI (cli.js and every chunk it imports, and the package.json
     * that makes it ESM), served under /v/<version>/. [corrupt] names a file whose manifest checksum is wrong.
     */
    fun release(version: String, protocol: Int = 1, corrupt: String? = null, extra: List<Pair<String, ByteArray>> = emptyList()): Release {
        val dist = TestCli.repoRoot.resolve("shared/dist")
        val contents = reachableChunks().map { "shared/dist/$it" to Files.readAllBytes(dist.resolve(it)) } +
            ("shared/package.json" to Files.readAllBytes(TestCli.repoRoot.resolve("shared/package.json"))) + extra
        return Release(
            version,
            protocol,
            contents.map { (path, bytes) ->
                val urlPath = "/v/$version/$path"
                serve(urlPath, bytes)
                val sha = if (path == corrupt) sha256("not the file".toByteArray()) else sha256(bytes)
                ReleaseFile(path, "$base$urlPath", sha)
            },
        )
    }

    override fun close() = server.stop(0)

    companion object {
        fun sha256(bytes: ByteArray): String = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))

        /** cli.js and every chunk it imports, statically or lazily (shared/dist keeps stale chunks of old builds). */
        private fun reachableChunks(): Set<String> {
            val dist = TestCli.repoRoot.resolve("shared/dist")
            val found = linkedSetOf<String>()
            val pending = ArrayDeque(listOf("cli.js"))
            while (pending.isNotEmpty()) {
                val name = pending.removeFirst()
                if (!found.add(name)) continue
                Regex("""["']\./([\w.-]+\.js)["']""").findAll(Files.readString(dist.resolve(name)))
                    .forEach { pending.add(it.groupValues[1]) }
            }
            return found
        }
    }
}
