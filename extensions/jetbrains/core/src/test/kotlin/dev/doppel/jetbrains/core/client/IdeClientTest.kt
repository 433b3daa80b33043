// The client against the real CLI of this repository: the hello check, each one-shot command, the configuration
// rules as the plugin asks for them (the CLI applies them), located errors, protocol refusals and the timeout.
package dev.doppel.jetbrains.core.client

import dev.doppel.jetbrains.core.TestCli
import dev.doppel.jetbrains.core.config.ConfigRequest
import dev.doppel.jetbrains.core.config.ConfigRules
import dev.doppel.jetbrains.core.protocol.IDE_PROTOCOL_VERSION
import dev.doppel.jetbrains.core.protocol.IdeAction
import dev.doppel.jetbrains.core.protocol.IdeCommandError
import dev.doppel.jetbrains.core.protocol.IdeProtocolError
import dev.doppel.jetbrains.core.protocol.IdeTimeoutError
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.time.Duration
import java.util.Collections

class IdeClientTest {
    @TempDir
    lateinit var workspace: Path

    private val log: MutableList<String> = Collections.synchronizedList(mutableListOf())
    private val client by lazy { TestCli.client(log) }

    private fun args(activeOverride: String? = null, env: Map<String, String> = emptyMap()) =
        ConfigRules.configArgs(ConfigRequest(workspace.toString(), activeOverride, env, workspace.toString()))

    @Test
    fun `version answers with the hello of the protocol this plugin speaks`() {
        val hello = client.version()
        assertEquals(IDE_PROTOCOL_VERSION, hello.protocol)
        assertEquals(TestCli.packageVersion, hello.doppel)
        assertTrue(log.any { it.startsWith("{\"type\":\"hello\"") }, "every stdout line is logged; log: $log")
    }

    @Test
    fun `resolve picks the project's default file when nothing else is set`() {
        val default = TestCli.write(workspace, ".doppel/doppel.json", """{ "target": "pid/1" }""")
        val config = client.resolve(args())
        assertEquals(listOf(default.toString(), "default", "pid/1"), listOf(config.path, config.source, config.target))
    }

    @Test
    fun `resolve takes DOPPEL_CONFIG_FILE with the ProjectPath macro over the default`() {
        TestCli.write(workspace, ".doppel/doppel.json", "{}")
        val fromEnv = TestCli.write(workspace, "configs/staging-doppel.json", """{ "target": "targetless" }""")
        val config = client.resolve(args(env = mapOf("DOPPEL_CONFIG_FILE" to "\$ProjectPath\$/configs/staging-doppel.json")))
        assertEquals(listOf(fromEnv.toString(), "env", "targetless"), listOf(config.path, config.source, config.target))
    }

    @Test
    fun `the active override wins over DOPPEL_CONFIG_FILE`() {
        val fromEnv = TestCli.write(workspace, "configs/env-doppel.json", "{}")
        val active = TestCli.write(workspace, "configs/active-doppel.json", """{ "target": "pid/7" }""")
        val config = client.resolve(args(active.toString(), mapOf("DOPPEL_CONFIG_FILE" to fromEnv.toString())))
        assertEquals(listOf(active.toString(), "active", "pid/7"), listOf(config.path, config.source, config.target))
    }

    @Test
    fun `mirrord's directory and variable are honoured after doppel's`() {
        val mirrordDefault = TestCli.write(workspace, ".mirrord/mirrord.json", "{}")
        assertEquals(listOf(mirrordDefault.toString(), "alias-default"), client.resolve(args()).let { listOf(it.path, it.source) })
        val aliasFile = TestCli.write(workspace, "other/x-mirrord.json", "{}")
        val viaAlias = client.resolve(args(env = mapOf("MIRRORD_CONFIG_FILE" to "\$ProjectPath\$/other/x-mirrord.json")))
        assertEquals(listOf(aliasFile.toString(), "alias-env"), listOf(viaAlias.path, viaAlias.source))
        val doppelDefault = TestCli.write(workspace, ".doppel/doppel.yaml", "target: pid/3\n")
        val doppelFirst = client.resolve(args(env = mapOf("MIRRORD_CONFIG_FILE" to aliasFile.toString())))
        assertEquals(listOf(doppelDefault.toString(), "default"), listOf(doppelFirst.path, doppelFirst.source))
    }

    @Test
    fun `resolve without any file uses the defaults and names no target`() {
        val config = client.resolve(args())
        assertEquals("none", config.source)
        assertNull(config.path)
        assertNull(config.target)
    }

    @Test
    fun `a broken configuration arrives located, with open-config offered`() {
        val broken = TestCli.write(workspace, ".doppel/doppel.json", "{\n  \"agent\": { \"ttl\": \"soon\" }\n}\n")
        val error = assertThrows<IdeCommandError> { client.resolve(args()) }
        assertEquals("CONFIG_INVALID", error.code)
        assertEquals(broken.toString(), error.event.file)
        assertEquals(2, error.event.line)
        assertEquals(listOf(IdeAction.OPEN_CONFIG, IdeAction.SHOW_OUTPUT), error.event.ideActions)
        assertTrue(error.event.problems.isNotEmpty())
    }

    @Test
    fun `a relative DOPPEL_CONFIG_FILE is refused by the CLI with its code`() {
        val error = assertThrows<IdeCommandError> { client.resolve(args(env = mapOf("DOPPEL_CONFIG_FILE" to "doppel.json"))) }
        assertEquals("CONFIG_PATH_NOT_ABSOLUTE", error.code)
    }

    @Test
    fun `configs lists every candidate and the file the rules choose`() {
        val default = TestCli.write(workspace, ".doppel/doppel.json", "{}")
        val staging = TestCli.write(workspace, ".doppel/staging.yaml", "{}\n")
        val nested = TestCli.write(workspace, "svc/api-doppel.toml", "")
        TestCli.write(workspace, "node_modules/pkg/x-doppel.json", "{}")
        val configs = client.configs(args())
        assertEquals(listOf(default, nested, staging).map(Path::toString).sorted(), configs.candidates.sorted())
        assertEquals(default.toString(), configs.chosen.path)
        assertEquals("default", configs.chosen.source)
    }

    @Test
    fun `targets lists the namespace asked for`() {
        val targets = client.targets(args(), namespace = "dpl-jb-shop")
        assertEquals("dpl-jb-shop", targets.namespace)
        assertTrue(targets.targets.all { it.path.startsWith("${it.kind}/") }, "targets: ${targets.targets}")
    }

    @Test
    fun `a CLI that speaks another protocol version is refused`() {
        val other = CliCommand(TestCli.node, listOf("-e", """console.log(JSON.stringify({type:"hello",protocol:99,doppel:"9.0.0"}))"""))
        val error = assertThrows<IdeProtocolError> { TestCli.client(command = other).version() }
        assertTrue(error.message!!.contains("IDE protocol 99 (doppel 9.0.0)"), error.message)
    }

    @Test
    fun `a program that does not speak the protocol at all is refused`() {
        val other = CliCommand(TestCli.node, listOf("-e", "console.log('hello there')"))
        val error = assertThrows<IdeProtocolError> { TestCli.client(command = other).version() }
        assertTrue(error.message!!.contains("without speaking the IDE protocol"), error.message)
    }

    @Test
    fun `a missing Node_js says how to fix it`() {
        val missing = CliCommand(workspace.resolve("no-such-node").toString(), emptyList())
        val error = assertThrows<IdeProtocolError> { TestCli.client(command = missing).version() }
        assertTrue(error.message!!.contains("Install Node.js"), error.message)
    }

    @Test
    fun `a request past its timeout is stopped and reported`() {
        val impatient = TestCli.client(timeouts = IdeClient.Timeouts(request = Duration.ZERO))
        val error = assertThrows<IdeTimeoutError> { impatient.configs(args()) }
        assertEquals("PLUGIN_TIMEOUT", error.code)
    }

    @Test
    fun `NodeLocator prefers the configured path and else searches PATH`() {
        assertEquals("/opt/node/bin/node", NodeLocator.locate("/opt/node/bin/node", "/usr/bin"))
        assertEquals(TestCli.node, NodeLocator.locate("", "${workspace}:${Path.of(TestCli.node).parent}"))
        assertNull(NodeLocator.locate("", workspace.toString()))
    }
}
