// The plugin's error catalogue: every failure the core reports is one of these, with a code the binding branches
// on (never the message) and a message that says what failed and what to do.
package dev.doppel.jetbrains.core.protocol

sealed class DoppelPluginError(val code: String, message: String, cause: Throwable? = null) :
    RuntimeException(message, cause)

/** doppel answered with an `error` line: a configuration problem, a missing target, a session failure. */
class IdeCommandError(val event: ErrorEvent) : DoppelPluginError(event.code, event.message)

/** The CLI did not speak the IDE protocol this plugin needs, or could not be run at all. */
class IdeProtocolError(message: String, cause: Throwable? = null) :
    DoppelPluginError("PLUGIN_PROTOCOL", message, cause)

/** A `doppel ide` command did not answer within its time limit; the process has been stopped. */
class IdeTimeoutError(message: String) : DoppelPluginError("PLUGIN_TIMEOUT", message)

/** The user cancelled while a session was being set up; the set-up has been stopped. */
class IdeCancelledError(message: String) : DoppelPluginError("PLUGIN_CANCELLED", message)

/** The run configuration still carries variables of an earlier doppel session; launching would load the layer twice. */
class StaleSessionEnvError(message: String) : DoppelPluginError("PLUGIN_STALE_LAYER", message)

/** A release of doppel could not be read, downloaded or verified. */
class ReleaseError(message: String, cause: Throwable? = null) : DoppelPluginError("PLUGIN_RELEASE", message, cause)
