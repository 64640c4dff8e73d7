package io.strata.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP endpoint that records every request body posted to it (an {@code alerting.webhooks[]} target): the
 * same alert arrays Strata's delivery stage posts to its Alertmanagers, with the time each came.
 */
final class WebhookRecorder implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One POST: when it came (epoch ms) and its JSON body. */
  record Post(long receivedMs, JsonNode body) {}

  private final HttpServer server;
  private final List<Post> posts = new ArrayList<>();

  WebhookRecorder() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      long now = System.currentTimeMillis();
      try {
        JsonNode json = JSON.readTree(body);
        synchronized (posts) {
          posts.add(new Post(now, json));
        }
        exchange.sendResponseHeaders(200, -1);
      } catch (IOException e) {
        exchange.sendResponseHeaders(400, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
  }

  List<Post> posts() {
    synchronized (posts) {
      return List.copyOf(posts);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
