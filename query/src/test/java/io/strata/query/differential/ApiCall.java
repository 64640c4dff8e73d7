package io.strata.query.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One request to a Prometheus HTTP API, sent the same way to both servers.
 *
 * @param id what {@code KNOWN_DIFFERENCES} lists: the endpoint and the expression (all evaluation times of
 *     one expression share an id)
 * @param post send the parameters as a form body (as Grafana does) instead of the URL
 * @param path e.g. {@code /api/v1/query}
 * @param params name/value pairs, repeated names allowed ({@code match[]})
 * @param ordered the result order itself is compared ({@code sort}, {@code sort_desc}, label lists)
 */
record ApiCall(String id, boolean post, String path, List<String[]> params, boolean ordered) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static ApiCall get(String id, String path, String... nameValues) {
    return new ApiCall(id, false, path, pairs(nameValues), false);
  }

  static ApiCall post(String id, String path, String... nameValues) {
    return new ApiCall(id, true, path, pairs(nameValues), false);
  }

  ApiCall orderedResult() {
    return new ApiCall(id, post, path, params, true);
  }

  private static List<String[]> pairs(String... nameValues) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      out.add(new String[] {nameValues[i], nameValues[i + 1]});
    }
    return out;
  }

  String encodedParams() {
    StringBuilder b = new StringBuilder();
    for (String[] p : params) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(URLEncoder.encode(p[0], StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(p[1], StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  /** Human-readable request for failure messages. */
  String describe() {
    StringBuilder b = new StringBuilder(post ? "POST " : "GET ").append(path);
    for (String[] p : params) {
      b.append(' ').append(p[0]).append('=').append(p[1]);
    }
    return b.toString();
  }

  /** The HTTP status and the JSON body (a text body is wrapped as {@code {"text": ...}}). */
  record Answer(int status, JsonNode body) {}

  Answer send(HttpClient http, String baseUrl) throws IOException, InterruptedException {
    HttpRequest.Builder b;
    if (post) {
      b = HttpRequest.newBuilder(URI.create(baseUrl + path))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(encodedParams()));
    } else {
      String q = encodedParams();
      b = HttpRequest.newBuilder(URI.create(baseUrl + path + (q.isEmpty() ? "" : "?" + q))).GET();
    }
    HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      body = JSON.createObjectNode().put("text", r.body());
    }
    return new Answer(r.statusCode(), body);
  }
}
