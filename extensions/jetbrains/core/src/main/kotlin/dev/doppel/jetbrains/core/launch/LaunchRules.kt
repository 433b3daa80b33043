// Whether doppel takes part in one launch: the toolbar toggle, overridden per run configuration by
// DOPPEL_ACTIVE (alias MIRRORD_ACTIVE) in its environment. Same rules as the VS Code extension; attach
// configurations (remote JVM, Go remote, Node attach) are not in the run-type table, so they are never patched.
package dev.doppel.jetbrains.core.launch

/** Run-configuration switches, doppel's first: "1" keeps doppel on and "0" off for that configuration. */
val ACTIVE_SWITCHES: List<String> = listOf("DOPPEL_ACTIVE", "MIRRORD_ACTIVE")

enum class SkipReason(val explanation: String) {
    OFF("doppel is off (toolbar toggle)"),
    SWITCHED_OFF("the run configuration sets DOPPEL_ACTIVE=0"),
    UNSUPPORTED_RUN_TYPE(
        "doppel does not know how to pass its environment to this kind of run configuration (attach configurations " +
            "included: doppel must start the process to load its layer)",
    ),
}

sealed interface LaunchDecision {
    data object Run : LaunchDecision

    data class Skip(val reason: SkipReason) : LaunchDecision
}

object LaunchRules {
    fun decide(launchEnv: Map<String, String>, enabled: Boolean): LaunchDecision {
        val switch = ACTIVE_SWITCHES.map { launchEnv[it] }.firstOrNull { it == "0" || it == "1" }
        if (switch == "0") return LaunchDecision.Skip(SkipReason.SWITCHED_OFF)
        if (switch == null && !enabled) return LaunchDecision.Skip(SkipReason.OFF)
        return LaunchDecision.Run
    }
}
