package io.strata.schemas.registry;

/** Opens a registry by URL: {@code mock://scope} for unit tests, {@code http(s)://...} for a real one. */
public final class SchemaRegistries {
  private SchemaRegistries() {}

  public static SchemaRegistry forUrl(String url) {
    if (url.startsWith("mock://")) {
      return MockSchemaRegistry.scope(url.substring("mock://".length()));
    }
    if (url.startsWith("http://") || url.startsWith("https://")) {
      return new HttpSchemaRegistry(url);
    }
    throw new IllegalArgumentException("schema registry URL must start with http://, https:// or mock://, got " + url);
  }
}
