package io.strata.ingest.scrape;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/** An in-test exporter on 127.0.0.1 and a free port; each path serves a settable response. */
final class ExpositionServer implements AutoCloseable {
  /** What a path answers. */
  static final class Route {
    volatile String body = "";
    volatile String contentType = "text/plain; version=0.0.4; charset=utf-8";
    volatile int status = 200;
    volatile long delayMs;
    volatile boolean gzip;
    volatile Headers lastRequestHeaders;
    volatile String lastQuery;
    final java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();

    Route body(String b) {
      body = b;
      return this;
    }
  }

  private final HttpServer server;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  ExpositionServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "test-exporter");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", ex -> {
      Route r = routes.get(ex.getRequestURI().getPath());
      try (ex) {
        if (r == null) {
          ex.sendResponseHeaders(404, -1);
          return;
        }
        r.hits.incrementAndGet();
        r.lastRequestHeaders = ex.getRequestHeaders();
        r.lastQuery = ex.getRequestURI().getRawQuery();
        if (r.delayMs > 0) {
          try {
            Thread.sleep(r.delayMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        byte[] b = r.body.getBytes(StandardCharsets.UTF_8);
        if (r.gzip) {
          ByteArrayOutputStream bos = new ByteArrayOutputStream();
          try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(b);
          }
          b = bos.toByteArray();
          ex.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        ex.getResponseHeaders().set("Content-Type", r.contentType);
        ex.sendResponseHeaders(r.status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
          try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
          }
        }
      } catch (IOException e) {
        // client went away (timeouts in tests)
      }
    });
    server.start();
  }

  Route route(String path) {
    return routes.computeIfAbsent(path, p -> new Route());
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
