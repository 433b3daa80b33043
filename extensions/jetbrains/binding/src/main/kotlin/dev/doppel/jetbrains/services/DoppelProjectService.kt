// The project's doppel state: on/off (from enabledByDefault), the active configuration override and the last
// chosen targets (kept in the workspace file), the client (resolved off the UI thread, again when the settings
// change), the sessions of running launches and the launches prepared by the before-run step.
package dev.doppel.jetbrains.services

import com.intellij.openapi.Disposable
import com.intellij.openapi.components.BaseState
import com.intellij.openapi.components.Service
import com.intellij.openapi.components.SimplePersistentStateComponent
import com.intellij.openapi.components.State
import com.intellij.openapi.components.Storage
import com.intellij.openapi.components.StoragePathMacros
import com.intellij.openapi.components.service
import com.intellij.openapi.extensions.PluginId
import com.intellij.ide.plugins.PluginManagerCore
import com.intellij.openapi.application.PathManager
import com.intellij.openapi.project.Project
import com.intellij.util.EnvironmentUtil
import dev.doppel.jetbrains.core.ClientResolution
import dev.doppel.jetbrains.core.DoppelRuntime
import dev.doppel.jetbrains.core.PluginEnvironment
import dev.doppel.jetbrains.core.client.IdeClient
import dev.doppel.jetbrains.core.launch.Prepared
import dev.doppel.jetbrains.core.launch.SessionRegistry
import dev.doppel.jetbrains.core.target.LastTargets
import dev.doppel.jetbrains.ui.DoppelLog
import dev.doppel.jetbrains.ui.DoppelNotifications
import java.nio.file.Path
import java.util.concurrent.ConcurrentHashMap

class DoppelProjectState : BaseState() {
    var activeConfig by string()
    val lastTargets by map<String, String>()
}

const val PLUGIN_ID = "dev.doppel.jetbrains"

@Service(Service.Level.PROJECT)
@State(name = "DoppelProject", storages = [Storage(StoragePathMacros.WORKSPACE_FILE)])
class DoppelProjectService(private val project: Project) :
    SimplePersistentStateComponent<DoppelProjectState>(DoppelProjectState()), Disposable {
    @Volatile
    var enabled: Boolean = DoppelSettingsService.getInstance().settings.enabledByDefault

    val log: (String) -> Unit = { line -> DoppelLog.append(project, line) }

    val sessions = SessionRegistry(log)

    /** Sessions the before-run step opened, waiting for their run configuration's command line to be patched. */
    private val pending = ConcurrentHashMap<String, Prepared.Started>()

    @Volatile
    private var resolution: ClientResolution? = null

    var activeConfig: String?
        get() = state.activeConfig
        set(value) {
            state.activeConfig = value
        }

    val lastTargets: LastTargets get() = LastTargets(state.lastTargets)

    /** The client for the current settings; blocking (it may download a release), so never on the UI thread. */
    @Synchronized
    fun client(): IdeClient {
        resolution?.let { return it.client }
        val plugin = PluginManagerCore.getPlugin(PluginId.getId(PLUGIN_ID))
            ?: error("the doppel plugin ($PLUGIN_ID) is not loaded")
        val resolved = DoppelRuntime.resolveClient(
            DoppelSettingsService.getInstance().settings,
            PluginEnvironment(
                bundledRoot = plugin.pluginPath.resolve("bundled"),
                bundledVersion = plugin.version,
                storageDir = Path.of(PathManager.getSystemPath(), "doppel"),
                env = EnvironmentUtil.getEnvironmentMap(),
                log = log,
            ),
        )
        resolved.notice?.let { DoppelNotifications.warning(project, it) }
        resolution = resolved
        return resolved.client
    }

    /** Forgets the client, so the next launch resolves the installation for the changed settings. */
    @Synchronized
    fun settingsChanged() {
        resolution = null
    }

    fun putPending(key: String, started: Prepared.Started) {
        pending.put(key, started)?.session?.stop()
    }

    /** The session for a launch's command line; it stays pending until the launch has started (or failed to). */
    fun peekPending(key: String): Prepared.Started? = pending[key]

    fun pendingWhere(predicate: (Prepared.Started) -> Boolean): Prepared.Started? = pending.values.firstOrNull(predicate)

    fun takePending(key: String): Prepared.Started? = pending.remove(key)

    override fun dispose() {
        pending.values.forEach { it.session.stop() }
        pending.clear()
        sessions.stopAll()
    }

    companion object {
        fun getInstance(project: Project): DoppelProjectService = project.service()
    }
}
