// Builds the plugin zip: the binding plus the core's sources (the same files Maven tests in ../core), and the
// doppel installation (CLI bundle, agent bundle, native layer) built from this repository under bundled/.
// `gradle buildPlugin` → build/distributions/doppel-jetbrains-<version>.zip. Not buildable without JetBrains'
// repositories; see ../README.md.
import org.jetbrains.intellij.platform.gradle.TestFrameworkType

plugins {
    id("org.jetbrains.kotlin.jvm") version "2.0.21"
    id("org.jetbrains.kotlin.plugin.serialization") version "2.0.21"
    id("org.jetbrains.intellij.platform") version "2.2.1"
}

group = "dev.doppel"
version = providers.gradleProperty("pluginVersion").get()

val repoRoot = layout.projectDirectory.dir("../../..")

kotlin { jvmToolchain(17) }

sourceSets {
    main {
        kotlin.srcDirs("src/main/kotlin", "../core/src/main/kotlin")
    }
}

dependencies {
    // kotlinx-serialization-json ships with the platform; only semver4j is bundled.
    implementation("org.semver4j:semver4j:5.4.1")
    intellijPlatform {
        intellijIdeaUltimate(providers.gradleProperty("platformVersion"))
        // Optional integrations: each product's run configurations (plugin.xml declares them optional).
        bundledPlugins("com.intellij.java", "com.intellij.gradle", "org.jetbrains.idea.maven", "JavaScript", "NodeJS")
        // Marketplace plugins: their versions must be builds for platformVersion (gradle.properties).
        plugins(
            "PythonCore:${providers.gradleProperty("pythonPluginVersion").get()}",
            "org.jetbrains.plugins.go:${providers.gradleProperty("goPluginVersion").get()}",
            "org.jetbrains.plugins.ruby:${providers.gradleProperty("rubyPluginVersion").get()}",
        )
        pluginVerifier()
        zipSigner()
        testFramework(TestFrameworkType.Platform)
    }
}

intellijPlatform {
    pluginConfiguration {
        version = project.version.toString()
        ideaVersion {
            sinceBuild = "243"
            untilBuild = provider { null }
        }
    }
    pluginVerification {
        ides { recommended() }
    }
}

/** The doppel installation the plugin carries, in the layout the CLI expects (as the VS Code extension's). */
val bundledInstallation by tasks.registering(Sync::class) {
    from(repoRoot.dir("shared/dist")) { include("*.js"); into("shared/dist") }
    from(repoRoot.file("shared/package.json")) { into("shared") }
    from(repoRoot.dir("agent/dist")) { include("*.js"); into("agent/dist") }
    from(repoRoot.file("agent/package.json")) { into("agent") }
    from(repoRoot.dir("native-layer/build")) { include("libdoppel_layer.so", "dpl-explain-fs"); into("native-layer/build") }
    into(layout.buildDirectory.dir("bundled"))
}

tasks.named<org.jetbrains.intellij.platform.gradle.tasks.PrepareSandboxTask>("prepareSandbox") {
    from(bundledInstallation) { into("${rootProject.name}/bundled") }
}
