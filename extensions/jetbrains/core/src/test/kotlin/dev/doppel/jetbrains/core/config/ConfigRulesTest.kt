// The options that choose a launch's configuration, and the $ProjectPath$ macro in the file variables only.
package dev.doppel.jetbrains.core.config

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class ConfigRulesTest {
    private val env = mapOf(
        "DOPPEL_CONFIG_FILE" to "\$ProjectPath\$/.doppel/staging.json",
        "MIRRORD_CONFIG_FILE" to "\$ProjectPath\$/m.json",
        "GREETING" to "\$ProjectPath\$ stays",
    )

    @Test
    fun `the macro is expanded in the configuration-file variables and nowhere else`() {
        assertEquals(
            mapOf(
                "DOPPEL_CONFIG_FILE" to "/p/.doppel/staging.json",
                "MIRRORD_CONFIG_FILE" to "/p/m.json",
                "GREETING" to "\$ProjectPath\$ stays",
            ),
            ConfigRules.expandMacros(env, "/p"),
        )
    }

    @Test
    fun `without an active override the CLI gets the workspace and the expanded environment`() {
        val args = ConfigRules.configArgs(ConfigRequest("/w", null, env, "/p"))
        assertEquals(listOf("--workspace", "/w", "--env-json"), args.take(3))
        val passed = Json.parseToJsonElement(args[3]) as JsonObject
        assertEquals("/p/.doppel/staging.json", passed.getValue("DOPPEL_CONFIG_FILE").jsonPrimitive.content)
    }

    @Test
    fun `the active override is passed as --config`() {
        val args = ConfigRules.configArgs(ConfigRequest("/w", "/w/a-doppel.json", emptyMap(), "/w"))
        assertEquals(listOf("--workspace", "/w", "--config", "/w/a-doppel.json", "--env-json", "{}"), args)
    }
}
