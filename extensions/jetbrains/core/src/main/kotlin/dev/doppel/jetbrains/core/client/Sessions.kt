// The two states of an `ide start` process: being set up (StartingSession) and ready (RunningSession). A session
// lives as long as its process; stop() asks doppel to tear it down and waits, bounded, for it to end.
package dev.doppel.jetbrains.core.client

import dev.doppel.jetbrains.core.protocol.ErrorEvent
import dev.doppel.jetbrains.core.protocol.IdeCancelledError
import dev.doppel.jetbrains.core.protocol.IdeCommandError
import dev.doppel.jetbrains.core.protocol.IdeEvent
import dev.doppel.jetbrains.core.protocol.IdeProtocolError
import dev.doppel.jetbrains.core.protocol.IdeTimeoutError
import dev.doppel.jetbrains.core.protocol.LogEvent
import dev.doppel.jetbrains.core.protocol.ProgressEvent
import dev.doppel.jetbrains.core.protocol.ReadyEvent
import dev.doppel.jetbrains.core.protocol.StoppedEvent
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/** How often a waiting set-up looks at the caller's cancellation flag (an IDE progress indicator). */
private val CANCEL_POLL: Duration = Duration.ofMillis(100)

/** Routes the lines of `ide start`: progress and logs to the listener, the outcome of the set-up to [ready]. */
internal class SessionTracker(private val listener: SessionListener) {
    val ready = CompletableFuture<ReadyEvent>()

    @Volatile
    var stopped: StoppedEvent? = null
        private set

    fun accept(event: IdeEvent) {
        when (event) {
            is ProgressEvent -> listener.progress(event)
            is LogEvent -> listener.log(event)
            is ReadyEvent -> ready.complete(event)
            is ErrorEvent -> ready.completeExceptionally(IdeCommandError(event))
            is StoppedEvent -> stopped = event
            else -> Unit
        }
    }

    fun ended(failure: Throwable?) {
        ready.completeExceptionally(
            failure?.let { if (it is java.util.concurrent.CompletionException) it.cause ?: it else it }
                ?: IdeProtocolError("doppel ended the session before it was ready; see the doppel log"),
        )
    }
}

class StartingSession internal constructor(
    private val process: IdeProcess,
    private val tracker: SessionTracker,
    private val timeouts: IdeClient.Timeouts,
) {
    /**
     * Blocks until the session is ready. [isCancelled] is polled while waiting (an IDE progress indicator's state):
     * once it is true the set-up is stopped and IdeCancelledError thrown. Past the ready timeout the set-up is
     * stopped and IdeTimeoutError thrown; an `error` line is an IdeCommandError.
     */
    fun awaitReady(isCancelled: () -> Boolean = { false }): RunningSession {
        val deadline = System.nanoTime() + timeouts.ready.toNanos()
        while (true) {
            if (isCancelled()) {
                stop()
                throw IdeCancelledError("the doppel session was cancelled while it was being set up")
            }
            val left = deadline - System.nanoTime()
            if (left <= 0) {
                stop()
                throw IdeTimeoutError(
                    "doppel did not have the session ready within ${timeouts.ready.toSeconds()} s and was stopped; see the doppel log",
                )
            }
            try {
                val ready = tracker.ready.get(minOf(left, CANCEL_POLL.toNanos()), TimeUnit.NANOSECONDS)
                return RunningSession(process, tracker, ready, timeouts.stop)
            } catch (_: TimeoutException) {
                continue
            } catch (error: ExecutionException) {
                val cause = error.cause ?: error
                // Whatever failed, no session of ours may outlive the failure.
                process.awaitEndOrKill(timeouts.stop)
                throw cause
            }
        }
    }

    /** Stops the set-up: doppel ends it and writes `stopped` without `ready`. */
    fun stop() {
        process.send(STOP_REQUEST)
        process.closeInput()
        process.awaitEndOrKill(timeouts.stop)
    }
}

class RunningSession internal constructor(
    private val process: IdeProcess,
    private val tracker: SessionTracker,
    val ready: ReadyEvent,
    private val stopTimeout: Duration,
) {
    val id: String get() = ready.session.id

    val isAlive: Boolean get() = process.isAlive

    /** Why the session ended (`stop`, `stdin-closed`, `signal`), once doppel has said so. */
    val stoppedReason: String? get() = tracker.stopped?.reason

    /** Completes when the session's process has ended, whoever ended it. */
    val ended: CompletableFuture<*> get() = process.ended

    /** Asks doppel to tear the session down and waits (bounded) until it has. Safe to call twice. */
    fun stop() {
        if (process.isAlive) process.send(STOP_REQUEST)
        process.closeInput()
        process.awaitEndOrKill(stopTimeout)
    }
}

private const val STOP_REQUEST = """{"type":"stop"}"""
