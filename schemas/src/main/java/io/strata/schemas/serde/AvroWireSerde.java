package io.strata.schemas.serde;

import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.registry.SchemaRegistryException;
import io.strata.schemas.registry.SubjectSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Confluent wire format for one generated Avro class: byte 0 = magic 0, bytes 1-4 = big-endian schema id,
 * then Avro binary. Writes register the class's schema under {@code <topic>-value} (TopicNameStrategy) once
 * per topic; reads resolve the writer's schema by id into the class's schema, so an older or newer
 * compatible writer decodes fine.
 */
public final class AvroWireSerde<T extends SpecificRecord> {
  public static final byte MAGIC = 0;

  private final SchemaRegistry registry;
  private final Class<T> type;
  private final Schema schema;
  /** What is registered: the class's schema without Java-only properties (see {@link SubjectSchemas}). */
  private final Schema registered;
  private final SpecificDatumWriter<T> writer;
  private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  public AvroWireSerde(SchemaRegistry registry, Class<T> type) {
    this.registry = registry;
    this.type = type;
    this.schema = SpecificData.get().getSchema(type);
    this.registered = SubjectSchemas.withoutJavaProperties(schema);
    this.writer = new SpecificDatumWriter<>(schema);
  }

  public static String valueSubject(String topic) {
    return topic + "-value";
  }

  public Schema schema() {
    return schema;
  }

  /** The schema this serde registers for its subject: {@link #schema()} without Java-only properties. */
  public Schema registeredSchema() {
    return registered;
  }

  public byte[] serialize(String topic, T value) {
    int id = idByTopic.computeIfAbsent(topic, t -> registry.register(valueSubject(t), registered));
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(value, enc);
      enc.flush();
    } catch (IOException e) {
      throw new IllegalStateException("BUG: writing to memory failed", e);
    }
    return out.toByteArray();
  }

  public T deserialize(byte[] data) {
    if (data == null || data.length == 0) {
      throw new WireFormatException(WireFormatException.Reason.EMPTY, "empty record value", null);
    }
    if (data[0] != MAGIC) {
      throw new WireFormatException(WireFormatException.Reason.BAD_MAGIC_BYTE,
          "first byte is " + data[0] + ", not the Confluent magic byte 0", null);
    }
    if (data.length < 5) {
      throw new WireFormatException(WireFormatException.Reason.TOO_SHORT, "value has " + data.length + " bytes, less than the 5-byte header", null);
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    SpecificDatumReader<T> reader = readers.computeIfAbsent(id, this::readerFor);
    try {
      BinaryDecoder dec = DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null);
      T value = reader.read(null, dec);
      if (!dec.isEnd()) {
        throw new WireFormatException(WireFormatException.Reason.BAD_AVRO, "trailing bytes after the Avro record", null);
      }
      return value;
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new WireFormatException(WireFormatException.Reason.BAD_AVRO, "cannot decode " + type.getSimpleName() + " with schema id " + id + ": " + e, e);
    }
  }

  private SpecificDatumReader<T> readerFor(int id) {
    Schema writerSchema;
    try {
      writerSchema = registry.getById(id);
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        throw new WireFormatException(WireFormatException.Reason.UNKNOWN_SCHEMA_ID, "schema id " + id + " is not in the registry", e);
      }
      throw e; // registry unreachable: transient, not the record's fault
    }
    if (org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(schema, writerSchema).getType()
        != org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new WireFormatException(WireFormatException.Reason.INCOMPATIBLE_SCHEMA,
          "schema id " + id + " (" + writerSchema.getFullName() + ") cannot be read as " + schema.getFullName(), null);
    }
    return new SpecificDatumReader<>(writerSchema, schema);
  }
}
