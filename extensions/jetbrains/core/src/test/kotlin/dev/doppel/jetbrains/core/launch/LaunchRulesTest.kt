// DOPPEL_ACTIVE / MIRRORD_ACTIVE against the toolbar toggle: one row per case.
package dev.doppel.jetbrains.core.launch

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.Arguments
import org.junit.jupiter.params.provider.MethodSource

class LaunchRulesTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    fun decides(@Suppress("UNUSED_PARAMETER") case: String, env: Map<String, String>, enabled: Boolean, expected: LaunchDecision) {
        assertEquals(expected, LaunchRules.decide(env, enabled))
    }

    companion object {
        private val run = LaunchDecision.Run

        private fun skip(reason: SkipReason) = LaunchDecision.Skip(reason)

        @JvmStatic
        fun cases(): List<Arguments> = listOf(
            Arguments.of("toggle on", emptyMap<String, String>(), true, run),
            Arguments.of("toggle off", emptyMap<String, String>(), false, skip(SkipReason.OFF)),
            Arguments.of("DOPPEL_ACTIVE=1 with the toggle off", mapOf("DOPPEL_ACTIVE" to "1"), false, run),
            Arguments.of("DOPPEL_ACTIVE=0 with the toggle on", mapOf("DOPPEL_ACTIVE" to "0"), true, skip(SkipReason.SWITCHED_OFF)),
            Arguments.of("MIRRORD_ACTIVE=1 with the toggle off", mapOf("MIRRORD_ACTIVE" to "1"), false, run),
            Arguments.of("MIRRORD_ACTIVE=0 with the toggle on", mapOf("MIRRORD_ACTIVE" to "0"), true, skip(SkipReason.SWITCHED_OFF)),
            Arguments.of(
                "DOPPEL_ACTIVE wins over MIRRORD_ACTIVE",
                mapOf("DOPPEL_ACTIVE" to "0", "MIRRORD_ACTIVE" to "1"),
                true,
                skip(SkipReason.SWITCHED_OFF),
            ),
            Arguments.of("another value is no switch", mapOf("DOPPEL_ACTIVE" to "yes"), false, skip(SkipReason.OFF)),
        )
    }
}
