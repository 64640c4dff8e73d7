package io.strata.schemas.registry;

import org.apache.avro.Schema;

/**
 * The few registry calls the wire serde needs, over the Confluent-compatible REST API. Subjects follow
 * TopicNameStrategy ({@code <topic>-value}).
 */
public interface SchemaRegistry extends AutoCloseable {

  /** Registers (or finds) the schema under the subject and returns its global id. */
  int register(String subject, Schema schema);

  /** The schema with that global id. */
  Schema getById(int id);

  /** Whether the schema may be registered under the subject as the registry's compatibility rule says. */
  boolean isCompatible(String subject, Schema schema);

  /**
   * Sets the subject's compatibility level ({@code BACKWARD}, {@code NONE}, ...), so {@code GET /config/<subject>}
   * reports what the registry enforces for it.
   */
  void setCompatibility(String subject, String level);

  @Override
  default void close() {}
}
