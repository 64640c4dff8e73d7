package io.strata.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-memory registry for unit tests, addressed as {@code mock://scope}: every client of one scope in
 * a JVM sees the same schemas, as Confluent's mock registry does. BACKWARD compatibility per subject.
 */
public final class MockSchemaRegistry implements SchemaRegistry {
  private static final Map<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<String, List<Integer>> subjects = new HashMap<>();
  private final Map<String, String> compatibility = new HashMap<>();

  public static MockSchemaRegistry scope(String scope) {
    return SCOPES.computeIfAbsent(scope, s -> new MockSchemaRegistry());
  }

  public static void dropScope(String scope) {
    SCOPES.remove(scope);
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    for (int id : versions) {
      if (byId.get(id).equals(schema)) {
        return id;
      }
    }
    if (!isCompatible(subject, schema)) {
      throw new SchemaRegistryException("Schema being registered is incompatible with an earlier schema for subject " + subject, 409, null);
    }
    int id = byId.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey).findFirst().orElse(byId.size() + 1);
    byId.put(id, schema);
    versions.add(id);
    return id;
  }

  @Override
  public synchronized Schema getById(int id) {
    Schema s = byId.get(id);
    if (s == null) {
      throw new SchemaRegistryException("Schema " + id + " not found", 404, null);
    }
    return s;
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    List<Integer> versions = subjects.getOrDefault(subject, List.of());
    if (versions.isEmpty()) {
      return true;
    }
    Schema latest = byId.get(versions.get(versions.size() - 1));
    return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  @Override
  public synchronized void setCompatibility(String subject, String level) {
    compatibility.put(subject, level);
  }

  /** The level set for the subject, or null. */
  public synchronized String compatibility(String subject) {
    return compatibility.get(subject);
  }
}
