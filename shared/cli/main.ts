// Entry of the `doppel` CLI and its one error boundary: a DoppelError is the user's to fix (exit 1), anything
// else is a bug (stack trace, exit 2).
import { processIo, styleFor } from "./io.ts";
import { buildProgram } from "./program.ts";
import { describeFailure } from "./report.ts";

const io = processIo();
try {
  await buildProgram(io).parseAsync(process.argv);
} catch (error) {
  const failure = describeFailure(error, styleFor(io.stderr, io.env));
  io.stderr.write(failure.text);
  process.exitCode = failure.exitCode;
}
