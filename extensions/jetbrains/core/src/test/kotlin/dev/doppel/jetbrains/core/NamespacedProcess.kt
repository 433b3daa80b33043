// A local `pid/<N>` target for session tests: `sleep` in a network namespace of its own (unshare -n), started
// under a dpl- name so a leftover is recognisable, and killed by close(). Needs root.
package dev.doppel.jetbrains.core

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

class NamespacedProcess private constructor(private val process: Process) : AutoCloseable {
    val pid: Long get() = process.pid()

    val target: String get() = "pid/$pid"

    override fun close() {
        process.destroyForcibly()
        check(process.waitFor(30, TimeUnit.SECONDS)) { "the test target $target did not end after SIGKILL" }
    }

    companion object {
        fun start(name: String): NamespacedProcess {
            require(name.startsWith("dpl-")) { "test processes carry the dpl- prefix" }
            val process = ProcessBuilder("unshare", "-n", "bash", "-c", "exec -a $name sleep 600")
                .redirectErrorStream(true)
                .start()
            val started = NamespacedProcess(process)
            // unshare execs bash, which execs sleep: the same pid, in its own network namespace once sleep runs.
            val ownNet = Files.readSymbolicLink(Path.of("/proc/self/ns/net"))
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20)
            var comm = ""
            while (System.nanoTime() < deadline && process.isAlive) {
                comm = runCatching { Files.readString(Path.of("/proc/${process.pid()}/comm")).trim() }.getOrDefault("")
                val net = runCatching { Files.readSymbolicLink(Path.of("/proc/${process.pid()}/ns/net")) }.getOrNull()
                if (comm == "sleep" && net != null && net != ownNet) return started
                process.waitFor(50, TimeUnit.MILLISECONDS)
            }
            started.close()
            error("$name did not come up as sleep in its own network namespace (alive=${process.isAlive}, comm=$comm)")
        }
    }
}
