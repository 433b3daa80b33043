// The environment a session asks for (`ready.env` to set, `ready.unset` to remove), applied to a launch's.
package dev.doppel.jetbrains.core.runtypes

import dev.doppel.jetbrains.core.protocol.ReadyEvent

data class EnvPatch(val set: Map<String, String>, val unset: List<String>) {
    /**
     * [base] (the environment the process would start with: the IDE's, if the run configuration passes it on, with
     * the run configuration's variables on top) as the session wants it.
     */
    fun applyTo(base: Map<String, String>): Map<String, String> = base.filterKeys { it !in unset } + set

    companion object {
        fun of(ready: ReadyEvent) = EnvPatch(ready.env, ready.unset)
    }
}
