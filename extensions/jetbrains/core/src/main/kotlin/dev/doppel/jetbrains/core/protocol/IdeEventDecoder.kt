// One stdout line of `doppel ide` to an IdeEvent: the `type` key picks the serializer from one table.
package dev.doppel.jetbrains.core.protocol

import kotlinx.serialization.KSerializer
import kotlinx.serialization.SerializationException
import kotlinx.serialization.builtins.MapSerializer
import kotlinx.serialization.builtins.serializer
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.contentOrNull

object IdeEventDecoder {
    private val json = Json { ignoreUnknownKeys = true }

    private val SERIALIZERS: Map<String, KSerializer<out IdeEvent>> = mapOf(
        "hello" to HelloEvent.serializer(),
        "progress" to ProgressEvent.serializer(),
        "log" to LogEvent.serializer(),
        "ready" to ReadyEvent.serializer(),
        "stopped" to StoppedEvent.serializer(),
        "configs" to ConfigsEvent.serializer(),
        "config" to ConfigEvent.serializer(),
        "targets" to TargetsEvent.serializer(),
        "error" to ErrorEvent.serializer(),
    )

    /** The event on [line], or null when the line is not a JSON object at all (it is only logged). */
    fun decode(line: String): IdeEvent? {
        val element = try {
            json.parseToJsonElement(line)
        } catch (_: SerializationException) {
            return null
        }
        if (element !is JsonObject) return null
        val type = (element["type"] as? JsonPrimitive)?.contentOrNull
        val serializer = SERIALIZERS[type] ?: return UnknownEvent(type)
        return try {
            json.decodeFromJsonElement(serializer, element)
        } catch (error: SerializationException) {
            throw IdeProtocolError("doppel wrote a `$type` line this plugin cannot read (${error.message}): $line")
        }
    }

    /** A JSON object of strings, as `--env-json` takes it. */
    fun encodeEnv(env: Map<String, String>): String =
        json.encodeToString(MapSerializer(String.serializer(), String.serializer()), env)
}
