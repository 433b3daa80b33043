// DOPPEL_ACTIVE / MIRRORD_ACTIVE against the toolbar toggle, and attach configurations: one row per case.
package dev.doppel.jetbrains.core.launch

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.Arguments
import org.junit.jupiter.params.provider.MethodSource

class LaunchRulesTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    fun decides(@Suppress("UNUSED_PARAMETER") case: String, env: Map<String, String>, enabled: Boolean, attach: Boolean, expected: LaunchDecision) {
        assertEquals(expected, LaunchRules.decide(env, enabled, attach))
    }

    companion object {
        private val run = LaunchDecision.Run

        private fun skip(reason: SkipReason) = LaunchDecision.Skip(reason)

        @JvmStatic
        fun cases(): List<Arguments> = listOf(
            Arguments.of("toggle on", emptyMap<String, String>(), true, false, run),
            Arguments.of("toggle off", emptyMap<String, String>(), false, false, skip(SkipReason.OFF)),
            Arguments.of("DOPPEL_ACTIVE=1 with the toggle off", mapOf("DOPPEL_ACTIVE" to "1"), false, false, run),
            Arguments.of("DOPPEL_ACTIVE=0 with the toggle on", mapOf("DOPPEL_ACTIVE" to "0"), true, false, skip(SkipReason.SWITCHED_OFF)),
            Arguments.of("MIRRORD_ACTIVE=1 with the toggle off", mapOf("MIRRORD_ACTIVE" to "1"), false, false, run),
            Arguments.of("MIRRORD_ACTIVE=0 with the toggle on", mapOf("MIRRORD_ACTIVE" to "0"), true, false, skip(SkipReason.SWITCHED_OFF)),
            Arguments.of(
                "DOPPEL_ACTIVE wins over MIRRORD_ACTIVE",
                mapOf("DOPPEL_ACTIVE" to "0", "MIRRORD_ACTIVE" to "1"),
                true,
                false,
                skip(SkipReason.SWITCHED_OFF),
            ),
            Arguments.of("another value is no switch", mapOf("DOPPEL_ACTIVE" to "yes"), false, false, skip(SkipReason.OFF)),
            Arguments.of("attach is left alone", emptyMap<String, String>(), true, true, skip(SkipReason.ATTACH)),
            Arguments.of("switched off beats attach", mapOf("DOPPEL_ACTIVE" to "0"), true, true, skip(SkipReason.SWITCHED_OFF)),
        )
    }
}
