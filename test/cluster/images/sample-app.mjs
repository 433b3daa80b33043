// The doppel/sample-app image's program: a small HTTP server that says which pod answered, so tests can tell
// the cluster's answer from a local one. Listens on $PORT (default 8080).
import { createServer } from "node:http";
import { hostname } from "node:os";

const port = Number(process.env.PORT ?? 8080);
const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => {
    body += chunk;
  });
  request.on("end", () => {
    response.setHeader("content-type", "application/json");
    response.end(`${JSON.stringify({ pod: hostname(), method: request.method, url: request.url, body })}\n`);
  });
}).listen(port, () => console.log(`sample-app listening on ${port}`));

// As PID 1 of its container, the process gets no default SIGTERM action: stop on it, as a well-behaved app does.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
