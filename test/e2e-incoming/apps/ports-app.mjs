// A server on several ports for the incoming port-control tests, run both as the pod's app and as the local app:
//   node ports-app.mjs LABEL PORT[@HOST]...
// Each port (on HOST, default all addresses) answers "LABEL PORT" with the port the app asked for, so an answer
// names both who served it and which of its listeners did. Prints {"listening": [PORT, ...]} once all listen —
// ports as server.address() reports them.
import http from "node:http";

const [label, ...specs] = process.argv.slice(2);
const report = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const listening = specs.map(
  (spec) =>
    new Promise((resolve, reject) => {
      const [portText, host] = spec.split("@");
      const port = Number(portText);
      const server = http.createServer((request, response) => {
        request.resume();
        request.on("end", () => response.end(`${label} ${port}\n`));
      });
      server.on("error", reject);
      server.listen(port, host, () => resolve(server.address().port));
    }),
);
Promise.all(listening).then((ports) => report({ listening: ports }));
