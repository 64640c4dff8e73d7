package io.strata.schemas.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP port of a stage that only answers {@code /metrics} and health (and maybe {@code /-/reload}):
 * exact paths to {@link Route}s, 404 otherwise, behind {@link WebSecurity} like the ingest and query ports
 * (TLS, basic auth, headers, the lifecycle gate of {@code /-/reload} and {@code /-/quit}).
 */
public final class StageHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StageHttpServer.class);

  /** An answer: status, content type, body. */
  public record Reply(int status, String contentType, byte[] body) {
    public static Reply text(int status, String body) {
      return new Reply(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** What one path answers; a RuntimeException is answered 500 with its message. */
  @FunctionalInterface
  public interface Route {
    Reply answer(String method) throws Exception;
  }

  private final Server server;
  private final ServerConnector connector;

  private StageHttpServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Listens on {@code host:port} (0: any free port) with {@code routes} behind {@code web}.
   *
   * @throws IllegalStateException when it cannot listen
   */
  public static StageHttpServer start(String name, String host, int port, WebSecurity web, Map<String, Route> routes) {
    QueuedThreadPool pool = new QueuedThreadPool(16, 2);
    pool.setName(name + "-http");
    pool.setDaemon(true);
    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    Map<String, Route> table = Map.copyOf(routes);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Route route = table.get(Request.getPathInContext(request));
        Reply r;
        try {
          r = route == null ? Reply.text(404, "404 page not found\n") : route.answer(request.getMethod());
        } catch (Exception e) {
          log.error("{} {}: {}", request.getMethod(), Request.getPathInContext(request), e.toString());
          r = Reply.text(500, e.getMessage() + "\n");
        }
        response.setStatus(r.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
        response.write(true, ByteBuffer.wrap(r.body()), callback);
        return true;
      }
    });
    web.install(server);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // already failing
      }
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new StageHttpServer(server, connector);
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("HTTP server stop: {}", e.toString());
    }
  }
}
