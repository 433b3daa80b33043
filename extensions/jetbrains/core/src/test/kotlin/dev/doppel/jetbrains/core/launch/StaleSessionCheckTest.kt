// A run configuration that still carries an earlier session's variables is refused, whatever else it preloads.
package dev.doppel.jetbrains.core.launch

import dev.doppel.jetbrains.core.protocol.StaleSessionEnvError
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertDoesNotThrow
import org.junit.jupiter.api.assertThrows

class StaleSessionCheckTest {
    @Test
    fun `our layer anywhere in LD_PRELOAD is stale, colon or space separated`() {
        assertEquals(listOf("/opt/doppel/libdoppel_layer.so"), StaleSessionCheck.layerEntries("/usr/lib/libasan.so:/opt/doppel/libdoppel_layer.so"))
        assertEquals(listOf("/x/libdoppel_layer.so"), StaleSessionCheck.layerEntries("/x/libdoppel_layer.so /usr/lib/libfoo.so"))
        assertEquals(emptyList<String>(), StaleSessionCheck.layerEntries("/usr/lib/libdoppel_layer.so.bak"))
        assertEquals(emptyList<String>(), StaleSessionCheck.layerEntries(null))
    }

    @Test
    fun `a clean run configuration passes, another preload included`() {
        assertDoesNotThrow { StaleSessionCheck.requireClean("app", mapOf("LD_PRELOAD" to "/usr/lib/libjemalloc.so", "PORT" to "80")) }
    }

    @Test
    fun `the refusal names the run configuration and every variable to remove`() {
        val error = assertThrows<StaleSessionEnvError> {
            StaleSessionCheck.requireClean(
                "api server",
                mapOf("LD_PRELOAD" to "/tmp/b/libdoppel_layer.so", "DOPPEL_PROXY_SOCKET" to "/tmp/s/proxy.sock"),
            )
        }
        assertEquals("PLUGIN_STALE_LAYER", error.code)
        val message = error.message!!
        assertTrue("\"api server\"" in message && "LD_PRELOAD, DOPPEL_PROXY_SOCKET" in message, message)
        assertTrue("/tmp/b/libdoppel_layer.so" in message, message)
    }

    @Test
    fun `a session token alone is stale too`() {
        assertEquals(listOf("DOPPEL_SESSION_TOKEN"), StaleSessionCheck.staleVariables(mapOf("DOPPEL_SESSION_TOKEN" to "t")))
    }
}
