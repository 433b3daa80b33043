// Settings | Tools | doppel: the core's DoppelSettings in a form; apply() refuses what DoppelSettings.problems()
// reports and makes every open project resolve its doppel installation again.
package dev.doppel.jetbrains.settings

import com.intellij.openapi.options.BoundConfigurable
import com.intellij.openapi.options.ConfigurationException
import com.intellij.openapi.project.ProjectManager
import com.intellij.openapi.ui.DialogPanel
import com.intellij.ui.dsl.builder.AlignX
import com.intellij.ui.dsl.builder.bindSelected
import com.intellij.ui.dsl.builder.bindText
import com.intellij.ui.dsl.builder.panel
import dev.doppel.jetbrains.services.DoppelProjectService
import dev.doppel.jetbrains.services.DoppelSettingsService

class DoppelConfigurable : BoundConfigurable("doppel") {
    private var edited = DoppelSettingsService.getInstance().settings

    override fun createPanel(): DialogPanel = panel {
        row {
            checkBox("On for runs when a project opens")
                .bindSelected({ edited.enabledByDefault }, { edited = edited.copy(enabledByDefault = it) })
        }
        row("Auto-update:") {
            textField()
                .bindText({ edited.autoUpdate }, { edited = edited.copy(autoUpdate = it) })
                .comment("true: the newest compatible release; false: the bundled one; x.y.z: exactly that version")
        }
        row("Release manifest URL:") {
            textField().align(AlignX.FILL).bindText({ edited.releaseUrl }, { edited = edited.copy(releaseUrl = it) })
        }
        row("doppel CLI path:") {
            textField().align(AlignX.FILL)
                .bindText({ edited.binaryPath }, { edited = edited.copy(binaryPath = it) })
                .comment("shared/dist/cli.js of an installation, instead of a managed one; empty: managed")
        }
        row("Node.js path:") {
            textField().align(AlignX.FILL)
                .bindText({ edited.nodePath }, { edited = edited.copy(nodePath = it) })
                .comment("Node.js 20 or newer runs the CLI; empty: node on PATH")
        }
    }

    override fun reset() {
        edited = DoppelSettingsService.getInstance().settings
        super.reset()
    }

    override fun apply() {
        super.apply()
        val problems = edited.problems()
        if (problems.isNotEmpty()) throw ConfigurationException(problems.joinToString("\n"))
        DoppelSettingsService.getInstance().settings = edited
        ProjectManager.getInstance().openProjects.forEach { DoppelProjectService.getInstance(it).settingsChanged() }
    }
}
