// The Java probe app run under the layer by the end-to-end tests. Every result is one JSON line on stdout.
//   java Probe serve PORT LABEL           com.sun.net.httpserver; answers "LABEL /path", reports {"served": "/path"}
//   java Probe probe URL HOST FILE VAR    HttpClient + raw Socket + UDP echo, InetAddress, Files.readString, env,
//                                         and the same checks again from a child (ProcessBuilder → sh -c → curl)
import com.sun.net.httpserver.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

public class Probe {
  /** What every child checks again: the pod file, the pod variable, and an outgoing request by DNS name (curl). */
  static final String CHILD_SCRIPT = "cat \"$1\"; printf ' %s ' \"$(printenv \"$2\")\"; curl -s \"$3\"";

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("serve")) serve(Integer.parseInt(args[1]), args[2]);
    else if (args.length == 5 && args[0].equals("probe")) probe(args[1], args[2], args[3], args[4]);
    else {
      System.err.println("usage: Probe serve PORT LABEL | probe URL HOST FILE VAR");
      System.exit(2);
    }
  }

  static void serve(int port, String label) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().toString();
      report(Map.of("served", path));
      byte[] body = (label + " " + path).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    report(Map.of("listening", port));
  }

  static void probe(String url, String host, String file, String variable) {
    URI uri = URI.create(url);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("app", "java");
    result.put("fetch", attempt(() -> HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body()));
    result.put("peer", attempt(() -> {
      try (Socket socket = new Socket(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort())) {
        InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
        return peer.getAddress().getHostAddress() + ":" + peer.getPort();
      }
    }));
    result.put("udp", attempt(() -> {
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.setSoTimeout(10_000);
        byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        socket.send(new DatagramPacket(ping, ping.length, InetAddress.getByName(uri.getHost()), port));
        DatagramPacket answer = new DatagramPacket(new byte[1024], 1024);
        socket.receive(answer);
        return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8);
      }
    }));
    result.put("dns", attempt(() -> InetAddress.getByName(host).getHostAddress()));
    result.put("file", attempt(() -> Files.readString(Path.of(file))));
    result.put("size", attempt(() -> Files.size(Path.of(file))));
    result.put("env", System.getenv(variable));
    result.put("child", attempt(() -> {
      Process child = new ProcessBuilder("sh", "-c", CHILD_SCRIPT, "sh", file, variable, url)
          .redirectErrorStream(true).start();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      child.waitFor();
      return output;
    }));
    report(result);
  }

  static Object attempt(Callable<Object> job) {
    try {
      return job.call();
    } catch (Exception error) {
      return "error: " + error;
    }
  }

  static synchronized void report(Map<String, ?> result) {
    StringBuilder line = new StringBuilder("{");
    for (Map.Entry<String, ?> entry : result.entrySet()) {
      if (line.length() > 1) line.append(',');
      line.append(json(entry.getKey())).append(':').append(json(entry.getValue()));
    }
    System.out.println(line.append('}'));
    System.out.flush();
  }

  static String json(Object value) {
    if (value == null) return "null";
    if (value instanceof Number) return value.toString();
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toString().toCharArray()) {
      if (c == '"' || c == '\\') quoted.append('\\').append(c);
      else if (c < 0x20) quoted.append(String.format("\\u%04x", (int) c));
      else quoted.append(c);
    }
    return quoted.append('"').toString();
  }
}
