package io.strata.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent-compatible registry REST API (Confluent Schema Registry, Apicurio's
 * {@code /apis/ccompat/v7}, Karapace). Ids and schemas are immutable, so both directions are cached for
 * the life of the client. Transient failures are retried a bounded number of times, then thrown. Credentials
 * in the URL's user info go as basic auth ({@link RegistryUrl}).
 */
public final class HttpSchemaRegistry implements SchemaRegistry {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Three tries with 200 ms, 400 ms backoff: long enough to ride over a registry restart's first second. */
  private static final int ATTEMPTS = 3;

  private final String baseUrl;
  private final HttpClient http;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  public HttpSchemaRegistry(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Override
  public int register(String subject, Schema schema) {
    Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode resp = call("POST", "/subjects/" + enc(subject) + "/versions", body(schema));
    int id = resp.path("id").asInt(-1);
    if (id < 0) {
      throw new SchemaRegistryException("registry answered without an id: " + resp, 200, null);
    }
    ids.put(schema, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public Schema getById(int id) {
    Schema s = schemasById.get(id);
    if (s != null) {
      return s;
    }
    JsonNode resp = call("GET", "/schemas/ids/" + id, null);
    Schema parsed = new Schema.Parser().parse(resp.path("schema").asText());
    schemasById.putIfAbsent(id, parsed);
    return parsed;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    try {
      JsonNode resp = call("POST", "/compatibility/subjects/" + enc(subject) + "/versions/latest", body(schema));
      return resp.path("is_compatible").asBoolean(false);
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        return true; // no subject yet: anything is compatible
      }
      throw e;
    }
  }

  @Override
  public void setCompatibility(String subject, String level) {
    try {
      call("PUT", "/config/" + enc(subject), JSON.writeValueAsString(Map.of("compatibility", level)));
    } catch (IOException e) {
      throw new IllegalStateException("BUG: cannot write a JSON string", e);
    }
  }

  private static String body(Schema schema) {
    try {
      return JSON.writeValueAsString(Map.of("schema", schema.toString(), "schemaType", "AVRO"));
    } catch (IOException e) {
      throw new IllegalStateException("BUG: cannot write a JSON string", e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private JsonNode call(String method, String path, String body) {
    HttpRequest.Builder b = RegistryUrl.request(baseUrl, path).timeout(Duration.ofSeconds(10))
        .header("Accept", CONTENT_TYPE);
    if (body != null) {
      b.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    SchemaRegistryException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) {
        sleep(200L << (attempt - 1));
      }
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 == 2) {
          return JSON.readTree(r.body());
        }
        last = new SchemaRegistryException(method + " " + path + " answered " + r.statusCode() + ": " + r.body(), r.statusCode(), null);
        if (r.statusCode() < 500) {
          throw last; // the registry's final word: not worth retrying
        }
      } catch (IOException e) {
        last = new SchemaRegistryException(method + " " + RegistryUrl.withoutCredentials(baseUrl) + path + " failed: " + e, 0, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("interrupted calling the registry", 0, e);
      }
    }
    throw last;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
