package io.strata.ingest.server;

import io.prometheus.metrics.core.metrics.Counter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP request being answered: replies exactly once, counts the reply by handler and status, and runs
 * a release action (the in-flight byte budget) when the reply is sent.
 */
final class Exchange {
  final Request request;
  final Response response;
  private final Callback callback;
  final String handler;
  private final Counter requests;
  private final AtomicBoolean replied = new AtomicBoolean();
  private volatile Runnable onReply = () -> {};
  private volatile ErrorFormat errorFormat = (status, message) -> new Body("text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8));

  /** A response body. */
  record Body(String contentType, byte[] bytes) {}

  /** How a handler writes error messages (plain text unless set, e.g. google.rpc.Status for OTLP). */
  interface ErrorFormat {
    Body render(int status, String message);
  }

  void errorFormat(ErrorFormat f) {
    this.errorFormat = f;
  }

  void replyError(int status, String message) {
    Body b = errorFormat.render(status, message);
    reply(status, b.contentType(), b.bytes());
  }

  Exchange(Request request, Response response, Callback callback, String handler, Counter requests) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.handler = handler;
    this.requests = requests;
  }

  void onReply(Runnable r) {
    this.onReply = r;
  }

  String header(String name) {
    return request.getHeaders().get(name);
  }

  void setHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  void replyText(int status, String body) {
    reply(status, "text/plain; charset=utf-8", body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  void reply(int status, String contentType, byte[] body) {
    if (!replied.compareAndSet(false, true)) {
      return;
    }
    try {
      onReply.run();
    } finally {
      requests.labelValues(handler, Integer.toString(status)).inc();
      response.setStatus(status);
      if (status >= 400) {
        // an error may come before the request body was read (a bad grouping key, an oversize body): the
        // connection cannot carry another request then, so say so instead of letting a client reuse it
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
      if (body == null) {
        callback.succeeded();
      } else {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body), callback);
      }
    }
  }
}
