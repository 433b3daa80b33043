// A real VS Code for the UI tests: code-server (installed by scripts/install-code-server) on loopback with a
// fresh user-data and extensions directory, the doppel VSIX installed, driven by playwright-core in Debian's
// chromium. Everything lives in one temporary directory that close() removes; screenshots go to
// test/artifacts/vscode/.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cache = join(repoRoot, "extensions/vscode/.cache/code-server");
const codeServerEntry = join(cache, "node_modules/code-server/out/node/entry.js");
const playwrightEntry = join(cache, "node_modules/playwright-core/index.mjs");
export const vsixPath = join(repoRoot, "extensions/vscode/doppel.vsix");
export const artifactsDir = join(repoRoot, "test/artifacts/vscode");
const chromiumFlags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Why the UI tests cannot run here, or null when they can. */
export function missingPrerequisite(): string | null {
  if (!existsSync(codeServerEntry)) return `code-server is not installed: run scripts/install-code-server`;
  if (!existsSync("/usr/bin/chromium")) return "Debian's chromium is missing: run scripts/install-code-server";
  if (!existsSync(vsixPath))
    return "extensions/vscode/doppel.vsix is missing: run `npm run package` in extensions/vscode";
  return null;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export interface CodeServerOptions {
  /** The folder VS Code opens. */
  workspace: string;
  /** Extra environment for code-server and so the extension host (and the programs it debugs). */
  env?: NodeJS.ProcessEnv;
  /**
   * Run an integration suite in the extension host instead of installing the VSIX: the extension is loaded from
   * its development folder and the suite module's exported run() is called (VS Code's extensionTestsPath).
   */
  integration?: { extensionPath: string; suitePath: string };
}

export class CodeServer {
  private constructor(
    readonly port: number,
    readonly home: string,
    private readonly server: ChildProcess,
    readonly browser: Browser,
    readonly page: Page,
    readonly log: () => string,
  ) {}

  static async start(options: CodeServerOptions): Promise<CodeServer> {
    const home = mkdtempSync(join(tmpdir(), "dpl-vscode-"));
    const userData = join(home, "user-data");
    const extensions = join(home, "extensions");
    mkdirSync(join(userData, "User"), { recursive: true });
    writeFileSync(
      join(userData, "User/settings.json"),
      JSON.stringify({
        "security.workspace.trust.enabled": false,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "debug.internalConsoleOptions": "neverOpen",
        "doppel.autoUpdate": false,
        // Apps the tests debug listen on ports; a "your application is available" toast would hide the ones asserted.
        "remote.autoForwardPorts": false,
      }),
    );
    if (options.integration === undefined) {
      execFileSync(
        process.execPath,
        [codeServerEntry, "--extensions-dir", extensions, "--install-extension", vsixPath],
        {
          stdio: "pipe",
        },
      );
    }
    const port = await freePort();
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DOPPEL_|MIRRORD_)/.test(key)));
    const server = spawn(
      process.execPath,
      [
        codeServerEntry,
        "--auth",
        "none",
        "--disable-update-check",
        "--disable-telemetry",
        "--bind-addr",
        `127.0.0.1:${port}`,
        "--user-data-dir",
        userData,
        "--extensions-dir",
        extensions,
        options.workspace,
      ],
      { env: { ...env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    server.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    server.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, () => output);
    const { chromium } = (await import(playwrightEntry)) as typeof import("playwright-core");
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumFlags });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const remote = (path: string) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = options.integration && [
      ["extensionDevelopmentPath", remote(options.integration.extensionPath)],
      ["extensionTestsPath", remote(options.integration.suitePath)],
    ];
    const query = payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : "";
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}${query}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    return new CodeServer(port, home, server, browser, page, () => output);
  }

  /** Saves a screenshot of the whole window as test/artifacts/vscode/<name>.png. */
  async screenshot(name: string): Promise<void> {
    mkdirSync(artifactsDir, { recursive: true });
    await this.page.screenshot({ path: join(artifactsDir, `${name}.png`) });
  }

  /** Runs a command from the palette by its title. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press("Control+Shift+P");
    const input = this.page.locator(".quick-input-widget .quick-input-box input");
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
    await input.press("Enter");
    // The palette closes, or the command's own quick-pick replaces its text: only then may the next answer go in.
    await this.page.waitForFunction(`(() => {
      const widget = document.querySelector(".quick-input-widget");
      const box = document.querySelector(".quick-input-widget .quick-input-box input");
      return widget === null || widget.style.display === "none" || box?.value !== ${JSON.stringify(`>${title}`)};
    })()`);
  }

  /** Answers the open quick-pick by typing and Enter, once a row matching `row` shows. */
  async answerQuickPick(text: string, row: string | RegExp = text): Promise<void> {
    const input = this.page.locator(".quick-input-widget .quick-input-box input");
    await input.waitFor();
    await this.page.locator(".quick-input-list .monaco-list-row", { hasText: row }).first().waitFor();
    // Typed after what the picker shows already: a quick-access picker keeps its prefix ("debug ").
    await input.press("End");
    await input.pressSequentially(text);
    await this.page.locator(".quick-input-list .monaco-list-row.focused", { hasText: row }).first().waitFor();
    await input.press("Enter");
  }

  /** Once the open quick-pick lists rows, types `text` as its filter (rows far down a long list need not be
   * rendered) and takes the focused row once it matches `row`. */
  async filterQuickPick(text: string, row: string | RegExp = text): Promise<void> {
    const input = this.page.locator(".quick-input-widget .quick-input-box input");
    await this.page.locator(".quick-input-list .monaco-list-row").first().waitFor();
    await input.fill(text);
    await this.page.locator(".quick-input-list .monaco-list-row.focused", { hasText: row }).first().waitFor();
    await input.press("Enter");
  }

  /** What the extension's output channel "doppel" holds so far (VS Code writes it to a log file). */
  doppelOutput(): string {
    const found = execFileSync("find", [join(this.home, "user-data/logs"), "-name", "*doppel*.log"], {
      encoding: "utf8",
    });
    return found
      .split("\n")
      .filter(Boolean)
      .map((file) => readFileSync(file, "utf8"))
      .join("");
  }

  /** Waits until the doppel output channel has a line containing `text`; fails after 30 s showing what it has. */
  async waitForOutput(text: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!this.doppelOutput().includes(text)) {
      if (Date.now() > deadline) {
        throw new Error(`the doppel output never said ${JSON.stringify(text)}; it has:\n${this.doppelOutput()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Copies the extension's output channel and the extension host's log next to the screenshots. */
  saveLogs(): void {
    mkdirSync(artifactsDir, { recursive: true });
    const logs = join(this.home, "user-data/logs");
    const found = execFileSync("find", [logs, "-name", "*doppel*.log", "-o", "-name", "exthost.log"], {
      encoding: "utf8",
    });
    for (const file of found.split("\n").filter(Boolean)) {
      copyFileSync(file, join(artifactsDir, file.endsWith("exthost.log") ? "exthost.log" : "doppel-output.log"));
    }
  }

  /** Picks the row of the open quick-pick whose label is exactly `label`, by clicking it. */
  async pickExactly(label: string): Promise<void> {
    const row = this.page
      .locator(".quick-input-list .monaco-list-row")
      .filter({ has: this.page.locator(".label-name").getByText(label, { exact: true }) })
      .first();
    await row.click();
  }

  /** Starts a launch configuration by its exact name through "Debug: Select and Start Debugging". */
  async startDebugging(configName: string): Promise<void> {
    await this.runCommand("Debug: Select and Start Debugging");
    await this.pickExactly(configName);
  }

  /** Stops the debug session with the debug toolbar's stop button and waits for the toolbar to go. */
  async stopDebugging(): Promise<void> {
    await this.page.locator(".debug-toolbar .codicon-debug-stop").click();
    await this.page.locator(".debug-toolbar").waitFor({ state: "hidden" });
  }

  async close(): Promise<void> {
    this.saveLogs();
    await this.browser.close().catch(() => {});
    if (this.server.exitCode === null) {
      this.server.kill("SIGTERM");
      await once(this.server, "exit");
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}

async function waitForHttp(url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer ${url} within 60 s; its output:\n${log()}`);
}
