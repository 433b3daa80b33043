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
// The command has finished and torn down what it started. A handle some library still holds (a keep-alive
// socket, a timer) must not keep the CLI running after that; stdout and stderr are written synchronously here.
process.exit();
