// One running `doppel ide …` process: its stdout read line by line on a thread of its own (the first JSON line
// must be a hello of our protocol), its stderr copied to the log, and one future that completes when it has ended.
package dev.doppel.jetbrains.core.client

import dev.doppel.jetbrains.core.protocol.HelloEvent
import dev.doppel.jetbrains.core.protocol.IDE_PROTOCOL_VERSION
import dev.doppel.jetbrains.core.protocol.IdeEvent
import dev.doppel.jetbrains.core.protocol.IdeEventDecoder
import dev.doppel.jetbrains.core.protocol.IdeProtocolError
import java.io.IOException
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread

internal class IdeProcess private constructor(
    private val process: Process,
    private val description: String,
    private val log: (String) -> Unit,
    private val onEvent: (IdeEvent) -> Unit,
) {
    /** Completes with the exit code once stdout is drained and the process has exited; fails on a protocol error. */
    val ended = CompletableFuture<Int>()

    @Volatile
    private var protocolError: IdeProtocolError? = null

    private fun readStdout() {
        var greeted = false
        try {
            process.inputStream.bufferedReader().forEachLine { line ->
                log(line)
                val event = try {
                    IdeEventDecoder.decode(line)
                } catch (error: IdeProtocolError) {
                    protocolError = protocolError ?: error
                    null
                } ?: return@forEachLine
                if (!greeted) {
                    greeted = true
                    if (event !is HelloEvent || event.protocol != IDE_PROTOCOL_VERSION) {
                        protocolError = IdeProtocolError(refusal(event))
                        process.destroy()
                    }
                }
                if (protocolError == null) onEvent(event)
            }
        } catch (error: IOException) {
            log("doppel: reading the output of $description failed: ${error.message}")
        }
        val code = process.waitFor()
        val failure = protocolError ?: if (!greeted) {
            IdeProtocolError("$description exited (code $code) without speaking the IDE protocol; see the doppel log")
        } else {
            null
        }
        if (failure != null) ended.completeExceptionally(failure) else ended.complete(code)
    }

    private fun refusal(first: IdeEvent): String {
        val spoken = if (first is HelloEvent) "IDE protocol ${first.protocol} (doppel ${first.doppel})" else "no known protocol"
        return "this doppel CLI speaks $spoken; the plugin needs IDE protocol $IDE_PROTOCOL_VERSION. " +
            "Pin a compatible version under Settings | Tools | doppel, or clear the CLI path there."
    }

    val isAlive: Boolean get() = process.isAlive

    /** Writes one request line to stdin; false when the process no longer reads it. */
    fun send(line: String): Boolean = try {
        process.outputStream.write("$line\n".toByteArray())
        process.outputStream.flush()
        true
    } catch (_: IOException) {
        false
    }

    fun closeInput() {
        try {
            process.outputStream.close()
        } catch (_: IOException) {
            // Already gone: nothing left to tell it.
        }
    }

    /** Waits up to [grace] for the end, then terminates the process. */
    fun awaitEndOrKill(grace: Duration) {
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) return
        log("doppel: $description did not end within ${grace.toSeconds()} s; terminating it")
        terminate(grace)
    }

    /** SIGTERM (doppel tears its session down and exits), then SIGKILL when it is still there after [grace]. */
    fun terminate(grace: Duration) {
        process.destroy()
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) return
        process.destroyForcibly()
        process.waitFor()
    }

    companion object {
        fun spawn(
            cli: CliCommand,
            args: List<String>,
            env: Map<String, String>,
            log: (String) -> Unit,
            onEvent: (IdeEvent) -> Unit,
        ): IdeProcess {
            val description = "doppel ide ${args.firstOrNull() ?: ""}".trim()
            log("$ doppel ide ${args.joinToString(" ")}")
            val builder = ProcessBuilder(listOf(cli.node) + cli.args + "ide" + args)
            builder.environment().clear()
            builder.environment().putAll(env)
            val process = try {
                builder.start()
            } catch (error: IOException) {
                throw IdeProtocolError(
                    "cannot run doppel with ${cli.node}: ${error.message}. " +
                        "Install Node.js 20 or set its path under Settings | Tools | doppel.",
                    error,
                )
            }
            val running = IdeProcess(process, description, log, onEvent)
            thread(isDaemon = true, name = "doppel-stderr") {
                try {
                    process.errorStream.bufferedReader().forEachLine(log)
                } catch (_: IOException) {
                    // The process is gone; its stderr ended with it.
                }
            }
            thread(isDaemon = true, name = "doppel-stdout") { running.readStdout() }
            return running
        }
    }
}
