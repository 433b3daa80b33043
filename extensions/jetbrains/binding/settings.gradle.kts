// The IDE plugin: the binding (src/) compiled together with the tested core (../core/src/main/kotlin).
// Needs JetBrains' repositories (IntelliJ Platform artifacts); see ../README.md.
rootProject.name = "doppel-jetbrains"

plugins {
    id("org.jetbrains.intellij.platform.settings") version "2.2.1"
}

dependencyResolutionManagement {
    repositoriesMode = RepositoriesMode.FAIL_ON_PROJECT_REPOS
    repositories {
        mavenCentral()
        intellijPlatform { defaultRepositories() }
    }
}
