// A run configuration whose environment still holds what an earlier doppel session injected (LD_PRELOAD of our
// layer, the session's socket and token) would load the layer twice, or talk to a session that is gone. Such a
// launch is refused, on or off, with the variables to delete; doppel adds them afresh to every run.
package dev.doppel.jetbrains.core.launch

import dev.doppel.jetbrains.core.protocol.StaleSessionEnvError

/** The native layer's file name, as it appears in LD_PRELOAD. */
const val LAYER_FILE_NAME = "libdoppel_layer.so"

/** Variables only a doppel session sets; a run configuration never needs them. */
val SESSION_VARIABLES: List<String> = listOf("DOPPEL_PROXY_SOCKET", "DOPPEL_SESSION_TOKEN")

object StaleSessionCheck {
    /** LD_PRELOAD entries that are our layer (ld.so separates entries with colons or spaces). */
    fun layerEntries(ldPreload: String?): List<String> =
        (ldPreload ?: "").split(':', ' ').filter { it.substringAfterLast('/') == LAYER_FILE_NAME }

    /** The variables of [env] left by an earlier session; empty when the run configuration is clean. */
    fun staleVariables(env: Map<String, String>): List<String> {
        val preload = if (layerEntries(env["LD_PRELOAD"]).isNotEmpty()) listOf("LD_PRELOAD") else emptyList()
        return preload + SESSION_VARIABLES.filter { env.containsKey(it) }
    }

    /** Throws StaleSessionEnvError naming the run configuration and the variables to remove. */
    fun requireClean(runConfigurationName: String, env: Map<String, String>) {
        val stale = staleVariables(env)
        if (stale.isEmpty()) return
        val preload = layerEntries(env["LD_PRELOAD"]).joinToString(":")
        val detail = if (preload.isEmpty()) "" else " (LD_PRELOAD loads $preload)"
        throw StaleSessionEnvError(
            "run configuration \"$runConfigurationName\" still sets ${stale.joinToString(", ")} from an earlier " +
                "doppel session$detail. Remove ${if (stale.size == 1) "it" else "them"} from its environment " +
                "variables (Run | Edit Configurations…); doppel adds them for every run itself.",
        )
    }
}
