// Application-wide settings (Settings | Tools | doppel), stored by the platform; the values and their rules are
// the core's DoppelSettings.
package dev.doppel.jetbrains.services

import com.intellij.openapi.components.BaseState
import com.intellij.openapi.components.Service
import com.intellij.openapi.components.SimplePersistentStateComponent
import com.intellij.openapi.components.State
import com.intellij.openapi.components.Storage
import com.intellij.openapi.components.service
import dev.doppel.jetbrains.core.settings.DoppelSettings

class DoppelSettingsState : BaseState() {
    private val defaults = DoppelSettings()
    var enabledByDefault by property(defaults.enabledByDefault)
    var autoUpdate by string(defaults.autoUpdate)
    var releaseUrl by string(defaults.releaseUrl)
    var binaryPath by string(defaults.binaryPath)
    var nodePath by string(defaults.nodePath)
}

@Service(Service.Level.APP)
@State(name = "DoppelSettings", storages = [Storage("doppel.xml")])
class DoppelSettingsService : SimplePersistentStateComponent<DoppelSettingsState>(DoppelSettingsState()) {
    var settings: DoppelSettings
        get() = DoppelSettings(
            enabledByDefault = state.enabledByDefault,
            autoUpdate = state.autoUpdate ?: "true",
            releaseUrl = state.releaseUrl ?: DoppelSettings.DEFAULT_RELEASE_URL,
            binaryPath = state.binaryPath ?: "",
            nodePath = state.nodePath ?: "",
        )
        set(value) {
            state.enabledByDefault = value.enabledByDefault
            state.autoUpdate = value.autoUpdate
            state.releaseUrl = value.releaseUrl
            state.binaryPath = value.binaryPath
            state.nodePath = value.nodePath
        }

    companion object {
        fun getInstance(): DoppelSettingsService = service()
    }
}
