// The target dialog: the core's TargetDialogModel in a list (targets grouped under their kind, then "Select
// another namespace…" and "No target (targetless)"), the last chosen target preselected. Cancel stops the launch.
package dev.doppel.jetbrains.ui

import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.DialogWrapper
import com.intellij.openapi.ui.Messages
import com.intellij.openapi.ui.ValidationInfo
import com.intellij.ui.ColoredListCellRenderer
import com.intellij.ui.SimpleTextAttributes
import com.intellij.ui.components.JBList
import com.intellij.ui.components.JBScrollPane
import com.intellij.ui.dsl.builder.AlignX
import com.intellij.ui.dsl.builder.AlignY
import com.intellij.ui.dsl.builder.panel
import dev.doppel.jetbrains.core.target.TargetDialogModel
import dev.doppel.jetbrains.core.target.TargetItem
import javax.swing.JComponent
import javax.swing.JList
import javax.swing.ListSelectionModel

class TargetDialog(project: Project, private val model: TargetDialogModel) : DialogWrapper(project) {
    private val list = JBList(model.items).apply {
        selectionMode = ListSelectionModel.SINGLE_SELECTION
        emptyText.text = model.emptyText
        cellRenderer = object : ColoredListCellRenderer<TargetItem>() {
            override fun customizeCellRenderer(
                list: JList<out TargetItem>,
                value: TargetItem,
                index: Int,
                selected: Boolean,
                hasFocus: Boolean,
            ) {
                when (value) {
                    is TargetItem.Target -> {
                        val style = if (model.isEnabled(value)) SimpleTextAttributes.REGULAR_ATTRIBUTES else SimpleTextAttributes.GRAYED_ATTRIBUTES
                        append("${value.line.kind}  ", SimpleTextAttributes.GRAYED_ATTRIBUTES)
                        append(value.line.path, style)
                        append("  ${value.line.name} — ${value.line.detail}", SimpleTextAttributes.GRAYED_SMALL_ATTRIBUTES)
                    }
                    else -> append(value.label, SimpleTextAttributes.LINK_PLAIN_ATTRIBUTES)
                }
            }
        }
        setSelectedValue(model.preselected, true)
    }

    init {
        title = model.title
        init()
    }

    override fun createCenterPanel(): JComponent = panel {
        row { label(model.caption) }
        row { cell(JBScrollPane(list)).align(AlignX.FILL + AlignY.FILL) }.resizableRow()
    }

    override fun doValidate(): ValidationInfo? {
        val item = list.selectedValue
        return if (item == null || !model.isEnabled(item)) ValidationInfo("Pick a target with a ready pod", list) else null
    }

    /** The accepted item, or null when the dialog was cancelled. */
    fun pick(): TargetItem? = if (showAndGet()) list.selectedValue else null

    companion object {
        /** Asks for a namespace: one of [known], or typed when doppel knows none. */
        fun pickNamespace(project: Project, known: List<String>): String? =
            if (known.isEmpty()) {
                Messages.showInputDialog(project, "The Kubernetes namespace to list", "doppel: Namespace", null)
            } else {
                val index = Messages.showChooseDialog(project, "Namespace to list", "doppel: Select a Namespace", null, known.toTypedArray(), known.first())
                known.getOrNull(index)
            }
    }
}
