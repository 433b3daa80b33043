// Runs `doppel ide …` (docs/ide-protocol.md). One-shot commands return their result line; `start` returns a
// StartingSession whose awaitReady() gives the running session. Every `error` line becomes an IdeCommandError that
// carries the line, so callers decide on its code and actions. Blocking calls: never on the UI thread.
package dev.doppel.jetbrains.core.client

import dev.doppel.jetbrains.core.protocol.ConfigEvent
import dev.doppel.jetbrains.core.protocol.ConfigsEvent
import dev.doppel.jetbrains.core.protocol.ErrorEvent
import dev.doppel.jetbrains.core.protocol.HelloEvent
import dev.doppel.jetbrains.core.protocol.IdeCommandError
import dev.doppel.jetbrains.core.protocol.IdeEvent
import dev.doppel.jetbrains.core.protocol.IdeProtocolError
import dev.doppel.jetbrains.core.protocol.IdeTimeoutError
import dev.doppel.jetbrains.core.protocol.LogEvent
import dev.doppel.jetbrains.core.protocol.ProgressEvent
import dev.doppel.jetbrains.core.protocol.ReadyEvent
import dev.doppel.jetbrains.core.protocol.TargetsEvent
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/** What `ide start` reports while it sets the session up and while it runs. */
interface SessionListener {
    fun progress(event: ProgressEvent)

    fun log(event: LogEvent)
}

class IdeClient(
    private val cli: CliCommand,
    /** Every line the CLI writes (stdout and stderr), for the doppel log tool window. */
    private val log: (String) -> Unit,
    /** The environment the CLI runs with: the IDE's own, so `ready.env` is relative to what launches inherit. */
    private val env: Map<String, String> = System.getenv(),
    private val timeouts: Timeouts = Timeouts(),
) {
    data class Timeouts(
        /** A one-shot command (`version`, `configs`, `resolve`, `targets`). */
        val request: Duration = Duration.ofSeconds(60),
        /** From `ide start` to its `ready` line (an agent may have to start in a cluster). */
        val ready: Duration = Duration.ofMinutes(3),
        /** How long a stopping session may take to tear down before it is terminated. */
        val stop: Duration = Duration.ofSeconds(20),
    )

    fun version(): HelloEvent = request(listOf("version"), HelloEvent::class.java)

    fun configs(configArgs: List<String>): ConfigsEvent = request(listOf("configs") + configArgs, ConfigsEvent::class.java)

    fun resolve(configArgs: List<String>, target: String? = null): ConfigEvent =
        request(listOf("resolve") + configArgs + targetArgs(target), ConfigEvent::class.java)

    fun targets(configArgs: List<String>, namespace: String? = null): TargetsEvent {
        val namespaceArgs = if (namespace == null) emptyList() else listOf("--namespace", namespace)
        return request(listOf("targets") + configArgs + namespaceArgs, TargetsEvent::class.java)
    }

    /** One-shot command: its result line of [type]; the process is stopped when it outlives the request timeout. */
    fun <T : IdeEvent> request(args: List<String>, type: Class<T>): T {
        val events = CopyOnWriteArrayList<IdeEvent>()
        val process = IdeProcess.spawn(cli, args, env, log) { events.add(it) }
        process.closeInput()
        try {
            process.ended.get(timeouts.request.toMillis(), TimeUnit.MILLISECONDS)
        } catch (_: TimeoutException) {
            process.terminate(timeouts.stop)
            throw IdeTimeoutError(
                "doppel ide ${args.first()} did not answer within ${timeouts.request.toSeconds()} s and was stopped; see the doppel log",
            )
        } catch (error: ExecutionException) {
            throw error.cause ?: error
        }
        events.filterIsInstance<ErrorEvent>().firstOrNull()?.let { throw IdeCommandError(it) }
        return events.filterIsInstance(type).firstOrNull()
            ?: throw IdeProtocolError("doppel ide ${args.first()} printed no ${type.simpleName} line; see the doppel log")
    }

    /**
     * `ide start` with [args] (the configuration options, `--target`, `--skip-processes`, `--overrides-json`).
     * Returns at once; [StartingSession.awaitReady] blocks until the session is ready, fails, is cancelled or times out.
     */
    fun start(args: List<String>, listener: SessionListener): StartingSession {
        val tracker = SessionTracker(listener)
        val process = IdeProcess.spawn(cli, listOf("start") + args, env, log, tracker::accept)
        process.ended.whenComplete { _, failure -> tracker.ended(failure) }
        return StartingSession(process, tracker, timeouts)
    }

    private fun targetArgs(target: String?) = if (target == null) emptyList() else listOf("--target", target)
}
