// The sessions of a project's runs, by the run's execution id: one session per launch, stopped when its process
// ends, and every one stopped when the project closes.
package dev.doppel.jetbrains.core.launch

import dev.doppel.jetbrains.core.client.RunningSession
import java.util.concurrent.ConcurrentHashMap

class SessionRegistry(private val log: (String) -> Unit) {
    private val sessions = ConcurrentHashMap<Long, RunningSession>()

    fun register(executionId: Long, session: RunningSession) {
        sessions.put(executionId, session)?.let { stopOne(executionId, it) }
        // A session that ends by itself (doppel exited) leaves the registry too.
        session.ended.whenComplete { _, _ -> sessions.remove(executionId, session) }
    }

    fun sessionOf(executionId: Long): RunningSession? = sessions[executionId]

    /** Ends the session of a run whose process has terminated. */
    fun stop(executionId: Long) {
        sessions.remove(executionId)?.let { stopOne(executionId, it) }
    }

    fun stopAll() {
        for (id in sessions.keys.toList()) stop(id)
    }

    val size: Int get() = sessions.size

    private fun stopOne(executionId: Long, session: RunningSession) {
        log("doppel: ending session ${session.id} of run $executionId")
        session.stop()
    }
}
