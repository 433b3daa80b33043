// The lines `doppel ide …` writes (docs/ide-protocol.md, shared/cli/ide-protocol.ts). Only the keys the plugin
// reads are declared: unknown keys are ignored, as the contract asks of clients.
package dev.doppel.jetbrains.core.protocol

import kotlinx.serialization.Serializable

/** The IDE protocol this plugin speaks; a CLI whose hello names another version is refused. */
const val IDE_PROTOCOL_VERSION = 1

sealed interface IdeEvent

@Serializable
data class HelloEvent(val protocol: Int, val doppel: String) : IdeEvent

@Serializable
data class ProgressEvent(val phase: String, val message: String) : IdeEvent

@Serializable
data class LogEvent(val level: String, val message: String) : IdeEvent {
    /** Error and warning lines may be shown to the user; every line goes to the log. */
    val isUserFacing: Boolean get() = level == "error" || level == "warning"
}

@Serializable
data class SessionInfo(val id: String, val target: String, val config: String? = null, val proxySocket: String)

@Serializable
data class ReadyEvent(val session: SessionInfo, val env: Map<String, String>, val unset: List<String>) : IdeEvent

@Serializable
data class StoppedEvent(val reason: String) : IdeEvent

@Serializable
data class ConfigChoice(val path: String? = null, val source: String)

@Serializable
data class ConfigsEvent(val workspace: String, val candidates: List<String>, val chosen: ConfigChoice) : IdeEvent

@Serializable
data class ConfigEvent(
    val path: String? = null,
    val source: String,
    val target: String? = null,
    val namespace: String? = null,
    val warnings: List<String> = emptyList(),
) : IdeEvent

@Serializable
data class TargetLine(
    val path: String,
    val kind: String,
    val name: String,
    val detail: String,
    val namespace: String? = null,
    /** False for a Kubernetes target without a ready pod: shown, but not offered for a launch. */
    val available: Boolean = true,
)

@Serializable
data class TargetsEvent(
    val namespace: String? = null,
    val namespaces: List<String> = emptyList(),
    val targets: List<TargetLine>,
) : IdeEvent

@Serializable
data class ProblemLine(
    val code: String,
    val message: String,
    val file: String? = null,
    val line: Int? = null,
    val column: Int? = null,
    val key: String,
)

@Serializable
data class ErrorEvent(
    val code: String,
    val message: String,
    val hint: String? = null,
    val file: String? = null,
    val line: Int? = null,
    val column: Int? = null,
    val problems: List<ProblemLine> = emptyList(),
    val actions: List<String> = emptyList(),
) : IdeEvent {
    /** The actions this plugin knows, in the order doppel offers them; later additions are left out. */
    val ideActions: List<IdeAction> get() = actions.mapNotNull(IdeAction::fromWire)
}

/** A line of a `type` this plugin does not know (a later minor addition): logged, otherwise ignored. */
data class UnknownEvent(val type: String?) : IdeEvent

/** What the IDE offers as buttons next to an error. */
enum class IdeAction(val wire: String, val title: String) {
    OPEN_CONFIG("open-config", "Open Config"),
    SELECT_TARGET("select-target", "Select Target"),
    OPEN_SETTINGS("open-settings", "Open Settings"),
    SHOW_OUTPUT("show-output", "Show Log"),
    ;

    companion object {
        fun fromWire(wire: String): IdeAction? = entries.firstOrNull { it.wire == wire }
    }
}
