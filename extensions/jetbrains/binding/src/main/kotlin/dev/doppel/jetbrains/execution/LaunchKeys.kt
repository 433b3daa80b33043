// How a launch is recognised between the before-run step and the command-line patch of its product: the run
// configuration's type id and name (the same configuration object is not guaranteed across the two).
package dev.doppel.jetbrains.execution

import com.intellij.execution.configurations.RunConfiguration

fun launchKey(configuration: RunConfiguration): String = "${configuration.type.id}/${configuration.name}"
