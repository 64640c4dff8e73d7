package io.strata.ingest.scrape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consul's HTTP API as documented, for the endpoints service discovery uses: {@code GET /v1/agent/self}
 * (datacenter), {@code GET /v1/catalog/services} (service → tags) and {@code GET /v1/health/service/<name>}
 * (entries with Node, Service, Checks; filtered by every {@code tag} and {@code node-meta} parameter). Both
 * list endpoints answer {@code X-Consul-Index} and block while the {@code index} parameter equals the current
 * index, up to {@code wait}. The catalog changes with {@link #put} and {@link #remove}; {@link #down} makes
 * every call fail with 500.
 */
final class FakeConsul implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-consul");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, List<JsonNode>> services = new TreeMap<>();
  private long index = 10;
  private boolean closed;
  final String datacenter;
  final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>(); // read while the server thread adds
  volatile boolean down;

  FakeConsul(String datacenter) throws IOException {
    this.datacenter = datacenter;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Sets a service's instances (entries in the health endpoint's shape) and bumps the index. */
  synchronized void put(String service, JsonNode... entries) {
    services.put(service, List.of(entries));
    index++;
    notifyAll();
  }

  synchronized void remove(String service) {
    services.remove(service);
    index++;
    notifyAll();
  }

  /** One health entry. {@code checks} alternates check id and status. */
  static ObjectNode entry(String node, String nodeAddress, Map<String, String> nodeMeta, String serviceId, String service,
      String serviceAddress, int port, List<String> tags, Map<String, String> serviceMeta, String... checks) {
    ObjectNode e = JSON.createObjectNode();
    ObjectNode n = e.putObject("Node");
    n.put("ID", "40e4a748-2192-161a-0510-9bf59fe950b5");
    n.put("Node", node);
    n.put("Address", nodeAddress);
    ObjectNode tagged = n.putObject("TaggedAddresses");
    tagged.put("lan", nodeAddress);
    tagged.put("wan", nodeAddress);
    n.set("Meta", JSON.valueToTree(nodeMeta));
    ObjectNode s = e.putObject("Service");
    s.put("ID", serviceId);
    s.put("Service", service);
    ArrayNode t = s.putArray("Tags");
    tags.forEach(t::add);
    s.put("Address", serviceAddress);
    s.set("Meta", JSON.valueToTree(serviceMeta));
    s.put("Port", port);
    ArrayNode cs = e.putArray("Checks");
    for (int i = 0; i + 1 < checks.length; i += 2) {
      ObjectNode c = cs.addObject();
      c.put("Node", node);
      c.put("CheckID", checks[i]);
      c.put("Name", checks[i]);
      c.put("Status", checks[i + 1]);
      c.put("ServiceID", checks[i].startsWith("serf") ? "" : serviceId);
    }
    return e;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String query = ex.getRequestURI().getRawQuery();
      String token = ex.getRequestHeaders().getFirst("X-Consul-Token");
      requests.add(path + (query == null ? "" : "?" + query) + (token == null ? "" : " token=" + token));
      Map<String, List<String>> params = params(query);
      if (down) {
        reply(ex, 500, "rpc error making call: No cluster leader", -1);
        return;
      }
      if (path.equals("/v1/agent/self")) {
        ObjectNode self = JSON.createObjectNode();
        self.putObject("Config").put("Datacenter", datacenter).put("NodeName", "agent-1");
        reply(ex, 200, JSON.writeValueAsString(self), -1);
        return;
      }
      long seen = params.containsKey("index") ? Long.parseLong(params.get("index").get(0)) : 0;
      long waitMs = params.containsKey("wait") ? duration(params.get("wait").get(0)) : 300_000;
      long current = awaitChange(seen, Math.min(waitMs, 600_000));
      if (current < 0) {
        reply(ex, 503, "shutting down", -1);
        return;
      }
      if (path.equals("/v1/catalog/services")) {
        ObjectNode out = JSON.createObjectNode();
        synchronized (this) {
          for (var e : services.entrySet()) {
            Set<String> tags = new LinkedHashSet<>();
            for (JsonNode n : e.getValue()) {
              if (nodeMetaMatches(n, params)) {
                n.path("Service").path("Tags").forEach(t -> tags.add(t.asText()));
              }
            }
            ArrayNode a = out.putArray(e.getKey());
            tags.forEach(a::add);
          }
        }
        reply(ex, 200, JSON.writeValueAsString(out), current);
      } else if (path.startsWith("/v1/health/service/")) {
        String name = URLDecoder.decode(path.substring("/v1/health/service/".length()), StandardCharsets.UTF_8);
        ArrayNode out = JSON.createArrayNode();
        synchronized (this) {
          for (JsonNode n : services.getOrDefault(name, List.of())) {
            List<String> tags = new ArrayList<>();
            n.path("Service").path("Tags").forEach(t -> tags.add(t.asText()));
            if (tags.containsAll(params.getOrDefault("tag", List.of())) && nodeMetaMatches(n, params)) {
              ObjectNode copy = n.deepCopy();
              ((ObjectNode) copy.get("Node")).put("Datacenter", params.getOrDefault("dc", List.of(datacenter)).get(0));
              out.add(copy);
            }
          }
        }
        reply(ex, 200, JSON.writeValueAsString(out), current);
      } else {
        reply(ex, 404, "not found", -1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean nodeMetaMatches(JsonNode entry, Map<String, List<String>> params) {
    for (String kv : params.getOrDefault("node-meta", List.of())) {
      int c = kv.indexOf(':');
      if (!entry.path("Node").path("Meta").path(kv.substring(0, c)).asText("\0").equals(kv.substring(c + 1))) {
        return false;
      }
    }
    return true;
  }

  /** Blocks while the index is {@code seen}, at most {@code waitMs}; the current index, or -1 when closed. */
  private synchronized long awaitChange(long seen, long waitMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + waitMs;
    while (index == seen && !closed) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return closed ? -1 : index;
  }

  private static long duration(String s) {
    long ms = 0;
    Matcher m = DURATION.matcher(s);
    while (m.find()) {
      long v = Long.parseLong(m.group(1));
      ms += switch (m.group(2)) {
        case "ms" -> v;
        case "s" -> v * 1000;
        case "m" -> v * 60_000;
        default -> v * 3_600_000;
      };
    }
    return ms;
  }

  private static Map<String, List<String>> params(String query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (query == null) {
      return out;
    }
    for (String p : query.split("&")) {
      int eq = p.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static void reply(HttpExchange ex, int status, String body, long index) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
    if (index >= 0) {
      ex.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
      ex.getResponseHeaders().set("X-Consul-Knownleader", "true");
    }
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    server.stop(0);
    threads.shutdownNow();
  }
}
