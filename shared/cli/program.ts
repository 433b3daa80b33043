// Builds the commander program from the command table.
import { Command } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { COMMAND_GROUPS, COMMANDS, type CommandSpec } from "./commands.ts";
import { colorsEnabled, type Io } from "./io.ts";

const VERSION_TEXT = `doppel ${packageJson.version}`;

function configure(command: Command, io: Io): Command {
  return command
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHasColors: () => colorsEnabled(io.stdout, io.env),
      getErrHasColors: () => colorsEnabled(io.stderr, io.env),
    })
    .showHelpAfterError("(run with --help for usage)");
}

function addCommand(program: Command, spec: CommandSpec, io: Io): void {
  let parent = program;
  for (const word of spec.path.slice(0, -1)) {
    parent =
      parent.commands.find((c) => c.name() === word) ??
      configure(parent.command(word).description(COMMAND_GROUPS[word] ?? ""), io);
  }
  const command = configure(parent.command(spec.path.at(-1) as string), io).description(spec.summary);
  for (const arg of spec.args ?? []) {
    const name = `${arg.name}${arg.variadic ? "..." : ""}`;
    command.argument(arg.optional ? `[${name}]` : `<${name}>`, arg.description);
  }
  for (const option of spec.options ?? []) command.option(option.flags, option.description);
  command.action(async (...received: unknown[]) => {
    // A variadic argument arrives as an array (or undefined when optional and absent): flatten it into `args`.
    const args = received
      .slice(0, spec.args?.length ?? 0)
      .flat()
      .filter((arg) => arg !== undefined) as string[];
    const module = await spec.load();
    process.exitCode = await module.run({ args, options: command.opts() }, io);
  });
}

export function buildProgram(io: Io): Command {
  const program = configure(new Command("doppel"), io)
    .description("Run a local process as if it ran inside a Kubernetes pod.")
    .version(VERSION_TEXT, "-V, --version", "print the doppel version");
  for (const spec of COMMANDS) addCommand(program, spec, io);
  return program;
}
