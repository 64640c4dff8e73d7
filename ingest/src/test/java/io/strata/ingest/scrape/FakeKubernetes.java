package io.strata.ingest.scrape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Kubernetes API's list and watch for pods, services, endpoints and nodes, as documented: lists carry
 * {@code metadata.resourceVersion}; {@code watch=true|1&resourceVersion=N} streams newline-delimited
 * {@code {"type","object"}} events after N, filtered by namespace and equality label selectors, until
 * {@code timeoutSeconds}; a version older than the last {@link #expire()} gets an ERROR event with a 410
 * Status ("too old resource version"), as the API server sends. {@link #down} answers 500 to everything.
 */
final class FakeKubernetes implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private record Event(long rv, String resource, String type, JsonNode object) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-kubernetes");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Map<String, ObjectNode>> objects = new TreeMap<>();
  private final List<Event> events = new ArrayList<>();
  private long rv = 100;
  private long expiredBefore;
  private long epoch;
  private boolean closed;
  final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>(); // read while the server thread adds
  volatile boolean down;

  FakeKubernetes() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Creates or replaces an object ({@code resource}: pods, services, endpoints, nodes). */
  synchronized void apply(String resource, ObjectNode obj) {
    ObjectNode md = (ObjectNode) obj.get("metadata");
    String key = md.path("namespace").asText("") + "/" + md.path("name").asText();
    Map<String, ObjectNode> m = objects.computeIfAbsent(resource, r -> new TreeMap<>());
    String type = m.containsKey(key) ? "MODIFIED" : "ADDED";
    md.put("resourceVersion", Long.toString(++rv));
    m.put(key, obj.deepCopy());
    events.add(new Event(rv, resource, type, obj.deepCopy()));
    notifyAll();
  }

  synchronized void delete(String resource, String namespace, String name) {
    ObjectNode o = objects.getOrDefault(resource, Map.of()).remove(namespace + "/" + name);
    if (o != null) {
      ((ObjectNode) o.get("metadata")).put("resourceVersion", Long.toString(++rv));
      events.add(new Event(rv, resource, "DELETED", o));
      notifyAll();
    }
  }

  /** Compacts history: open watches end with a 410 ERROR event and older versions are refused. */
  synchronized void expire() {
    expiredBefore = rv + 1;
    epoch++;
    notifyAll();
  }

  synchronized long listRequests(String resource) {
    return requests.stream().filter(r -> r.contains("/" + resource) && !r.contains("watch=")).count();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      Map<String, String> q = params(ex.getRequestURI().getRawQuery());
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      requests.add(path + "?" + ex.getRequestURI().getRawQuery() + (auth == null ? "" : " auth=" + auth));
      if (down) {
        reply(ex, 500, status(500, "InternalError", "etcdserver: request timed out"));
        return;
      }
      // /api/v1/<res>, /api/v1/namespaces/<ns>/<res>, /apis/<group>/<version>/[namespaces/<ns>/]<res>
      String rest = path.startsWith("/api/v1/") ? path.substring("/api/v1/".length())
          : path.startsWith("/apis/") && path.split("/").length >= 5
              ? path.substring(path.indexOf('/', path.indexOf('/', "/apis/".length()) + 1) + 1) : null;
      String[] parts = rest == null ? new String[0] : rest.split("/");
      String namespace = parts.length == 3 && parts[0].equals("namespaces") ? parts[1] : null;
      String resource = parts.length == 0 ? "" : parts[parts.length - 1];
      if (!(parts.length == 1 || namespace != null)) {
        reply(ex, 404, status(404, "NotFound", "the server could not find the requested resource"));
        return;
      }
      String selector = q.getOrDefault("labelSelector", "");
      if ("true".equals(q.get("watch")) || "1".equals(q.get("watch"))) {
        watch(ex, resource, namespace, selector, Long.parseLong(q.getOrDefault("resourceVersion", "0")),
            Long.parseLong(q.getOrDefault("timeoutSeconds", "60")));
        return;
      }
      ObjectNode list = JSON.createObjectNode();
      list.put("kind", "List").put("apiVersion", "v1");
      var items = list.putArray("items");
      synchronized (this) {
        list.putObject("metadata").put("resourceVersion", Long.toString(rv));
        for (ObjectNode o : objects.getOrDefault(resource, Map.of()).values()) {
          if (matches(o, namespace, selector)) {
            items.add(o);
          }
        }
      }
      reply(ex, 200, JSON.writeValueAsString(list));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void watch(HttpExchange ex, String resource, String namespace, String selector, long from, long timeoutSeconds)
      throws IOException, InterruptedException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, 0);
    long deadline = System.currentTimeMillis() + timeoutSeconds * 1000;
    long last = from;
    long myEpoch;
    synchronized (this) {
      myEpoch = epoch;
    }
    try (OutputStream os = ex.getResponseBody()) {
      while (true) {
        List<Event> send = new ArrayList<>();
        boolean gone;
        synchronized (this) {
          gone = last < expiredBefore - 1 || epoch != myEpoch;
          if (!gone) {
            for (Event e : events) {
              if (e.rv > last && e.resource.equals(resource) && matches(e.object, namespace, selector)) {
                send.add(e);
              }
            }
            if (send.isEmpty()) {
              if (closed || System.currentTimeMillis() >= deadline) {
                return;
              }
              wait(Math.max(1, Math.min(500, deadline - System.currentTimeMillis())));
              continue;
            }
          }
        }
        if (gone) {
          ObjectNode ev = JSON.createObjectNode().put("type", "ERROR");
          ev.set("object", status(410, "Expired", "too old resource version: " + last + " (" + expiredBefore + ")"));
          os.write((JSON.writeValueAsString(ev) + "\n").getBytes(StandardCharsets.UTF_8));
          os.flush();
          return;
        }
        for (Event e : send) {
          ObjectNode ev = JSON.createObjectNode().put("type", e.type);
          ev.set("object", e.object);
          os.write((JSON.writeValueAsString(ev) + "\n").getBytes(StandardCharsets.UTF_8));
          last = e.rv;
        }
        os.flush();
      }
    } catch (IOException e) {
      // client went away
    }
  }

  private static boolean matches(JsonNode o, String namespace, String selector) {
    if (namespace != null && !namespace.equals(o.path("metadata").path("namespace").asText())) {
      return false;
    }
    for (String term : selector.split(",")) {
      if (term.isBlank()) {
        continue;
      }
      String[] kv = term.split("=", 2);
      if (!o.path("metadata").path("labels").path(kv[0].trim()).asText("\0").equals(kv[1].trim())) {
        return false;
      }
    }
    return true;
  }

  private static ObjectNode status(int code, String reason, String message) {
    ObjectNode s = JSON.createObjectNode();
    s.put("kind", "Status").put("apiVersion", "v1").put("status", "Failure").put("message", message)
        .put("reason", reason).put("code", code);
    s.putObject("metadata");
    return s;
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query == null) {
      return out;
    }
    for (String p : query.split("&")) {
      int eq = p.indexOf('=');
      out.put(URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void reply(HttpExchange ex, int code, JsonNode body) throws IOException {
    reply(ex, code, JSON.writeValueAsString(body));
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
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
