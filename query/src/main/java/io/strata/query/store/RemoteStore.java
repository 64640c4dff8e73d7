package io.strata.query.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.schemas.model.LabelMatcher;
import io.strata.tsdb.Resolution;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The client side of {@link StoreApi} for one store: {@code http(s)://[user:password@]host:port[/prefix]}. The
 * user and password of the URL, if any, are sent as basic auth (a store behind {@code --web.config.file}); the
 * tenant as {@code X-Scope-OrgID}. Every failure (unreachable, timeout, non-200, a cut-off or damaged answer) is an
 * {@link IOException} whose message says what happened.
 */
final class RemoteStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String name;
  private final String authorization;
  private final Duration timeout;

  RemoteStore(URI url, Duration timeout) {
    String s = url.toString();
    String user = url.getRawUserInfo();
    if (user != null) {
      s = s.replace(user + "@", "");
      String decoded = java.net.URLDecoder.decode(user, StandardCharsets.UTF_8);
      this.authorization = "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
    } else {
      this.authorization = null;
    }
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.name = base.toString();
    this.timeout = timeout;
  }

  /** The store's URL without credentials: what warnings and errors name. */
  String name() {
    return name;
  }

  /**
   * A select ({@link StoreApi}): each series of the answer to {@code sink} as it arrives; {@code withRaw} applies to
   * a rollup resolution only.
   */
  void select(String tenant, Resolution res, StoreApi.WithRaw withRaw, long minT, long maxT, List<LabelMatcher> ms,
      java.util.function.Consumer<StoreWire.Series> sink) throws IOException {
    StringBuilder q = query(minT, maxT, ms);
    if (!res.isRaw()) {
      q.append("&resolution=").append(res.name());
      if (withRaw != StoreApi.WithRaw.NONE) {
        q.append("&with_raw=").append(withRaw.wire);
      }
    }
    Reply r = send(tenant, "select", q);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(r.body(), 1 << 16))) {
      if (r.status() != 200) {
        throw new IOException("HTTP " + r.status() + ": " + error(in.readAllBytes()));
      }
      StoreWire.read(in, sink);
    }
  }

  List<String> labelNames(String tenant, long minT, long maxT, List<LabelMatcher> ms) throws IOException {
    return strings(send(tenant, "labels", query(minT, maxT, ms)));
  }

  List<String> labelValues(String tenant, String label, long minT, long maxT, List<LabelMatcher> ms) throws IOException {
    StringBuilder q = query(minT, maxT, ms).append("&name=").append(enc(label));
    return strings(send(tenant, "label_values", q));
  }

  private static StringBuilder query(long minT, long maxT, List<LabelMatcher> ms) {
    StringBuilder q = new StringBuilder();
    if (minT != Long.MIN_VALUE) {
      q.append("&start=").append(minT);
    }
    if (maxT != Long.MAX_VALUE) {
      q.append("&end=").append(maxT);
    }
    for (LabelMatcher m : ms) {
      q.append("&matcher=").append(enc(StoreApi.format(m)));
    }
    return q;
  }

  /** A store's answer: status and body (the error body for a status of 400 or more). */
  private record Reply(int status, InputStream body) {}

  /**
   * POSTs the form (matchers can be long) to {@code /api/v1/store/<endpoint>}. A blocking {@link HttpURLConnection}
   * (kept-alive connections, reused) on the calling thread: no hand-off to a selector thread and back, which on a
   * busy machine cost small queries more than their reads. A socket read waits at most twice the store timeout; the
   * fan-out's deadline for the whole answer ({@link FanoutStore}) reports first.
   */
  private Reply send(String tenant, String endpoint, StringBuilder form) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(name + "/api/v1/store/" + endpoint).toURL().openConnection();
    int ms = (int) Math.min(Integer.MAX_VALUE / 2, timeout.toMillis());
    c.setConnectTimeout(ms);
    c.setReadTimeout(2 * ms);
    c.setUseCaches(false);
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
    c.setRequestProperty("X-Scope-OrgID", tenant);
    if (authorization != null) {
      c.setRequestProperty("Authorization", authorization);
    }
    byte[] body = (form.length() == 0 ? "" : form.substring(1)).getBytes(StandardCharsets.UTF_8);
    c.setFixedLengthStreamingMode(body.length);
    try {
      try (OutputStream o = c.getOutputStream()) {
        o.write(body);
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      return new Reply(status, in == null ? InputStream.nullInputStream() : in);
    } catch (java.net.SocketTimeoutException e) {
      c.disconnect();
      throw new IOException("no answer within " + ms + " ms");
    } catch (java.net.ConnectException e) {
      throw new IOException("connection refused");
    }
  }

  private static List<String> strings(Reply r) throws IOException {
    byte[] body;
    try (InputStream in = r.body()) {
      body = in.readAllBytes();
    }
    if (r.status() != 200) {
      throw new IOException("HTTP " + r.status() + ": " + error(body));
    }
    JsonNode data = JSON.readTree(body).path("data");
    List<String> out = new ArrayList<>(data.size());
    data.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The {@code error} of a JSON envelope, else the start of the body. */
  private static String error(byte[] body) {
    try {
      JsonNode e = JSON.readTree(body).path("error");
      if (e.isTextual()) {
        return e.asText();
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: show the text
    }
    String s = new String(body, StandardCharsets.UTF_8).strip();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
