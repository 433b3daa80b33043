// The doppel CLI of this repository (shared/bin/doppel.js, built by `npm run build`), found from the Maven project
// (surefire passes doppel.repoRoot), and the pieces the tests share: a clean environment, a log, files.
package dev.doppel.jetbrains.core

import dev.doppel.jetbrains.core.client.CliCommand
import dev.doppel.jetbrains.core.client.IdeClient
import dev.doppel.jetbrains.core.client.NodeLocator
import java.nio.file.Files
import java.nio.file.Path
import java.util.Collections

object TestCli {
    val repoRoot: Path by lazy {
        val configured = System.getProperty("doppel.repoRoot")?.let { Path.of(it).toAbsolutePath().normalize() }
        val root = configured ?: generateSequence(Path.of("").toAbsolutePath()) { it.parent }
            .firstOrNull { Files.exists(it.resolve("shared/bin/doppel.js")) }
        check(root != null && Files.exists(root.resolve("shared/bin/doppel.js"))) {
            "cannot find the doppel repository (shared/bin/doppel.js) above ${Path.of("").toAbsolutePath()}"
        }
        check(Files.exists(root.resolve("shared/dist/cli.js"))) {
            "the doppel CLI is not built: run `npm run build` in $root first"
        }
        root
    }

    val node: String by lazy {
        NodeLocator.locate("", System.getenv("PATH")) ?: error("no `node` on PATH; install Node.js 20")
    }

    val cli: CliCommand by lazy { CliCommand(node, listOf(repoRoot.resolve("shared/bin/doppel.js").toString())) }

    /** This process's environment without doppel's and mirrord's variables, so no test inherits a choice. */
    val cleanEnv: Map<String, String> by lazy {
        System.getenv().filterKeys { !it.startsWith("DOPPEL_") && !it.startsWith("MIRRORD_") }
    }

    val isRoot: Boolean by lazy {
        ProcessBuilder("id", "-u").start().inputStream.bufferedReader().readText().trim() == "0"
    }

    /** The version in shared/package.json: what the CLI's hello reports. */
    val packageVersion: String by lazy {
        Regex("\"version\"\\s*:\\s*\"([^\"]+)\"").find(Files.readString(repoRoot.resolve("shared/package.json")))!!
            .groupValues[1]
    }

    fun client(
        log: MutableList<String> = Collections.synchronizedList(mutableListOf()),
        timeouts: IdeClient.Timeouts = IdeClient.Timeouts(),
        command: CliCommand = cli,
    ) = IdeClient(command, { log.add(it) }, cleanEnv, timeouts)

    fun write(root: Path, relative: String, text: String): Path {
        val path = root.resolve(relative)
        Files.createDirectories(path.parent)
        Files.writeString(path, text)
        return path
    }
}
