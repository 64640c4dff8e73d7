package io.strata.app.rules;

import io.strata.avro.RuleGroup;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.strata.app.KafkaClientConfig;

/**
 * The compacted {@code metrics.rules} topic as {@code strata rules push|list|delete} use it: key
 * {@code tenant/namespace/group}, value a {@code RuleGroup} in Confluent wire format, a tombstone deletes.
 * The connection options are a picocli mixin shared by the three verbs; {@code strata up} publishes its rule
 * files' groups through it too ({@link #of}).
 */
public final class RulesTopic {
  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the broker of `strata up`)")
  String bootstrap;

  @Option(names = {"--registry-url", "--registry"}, paramLabel = "URL", defaultValue = io.strata.app.StageFlags.DEFAULT_REGISTRY_URL,
      description = "schema registry, Confluent-compatible API, as every stage's --registry-url; a password as user info: "
          + "http(s)://user:password@host:port/... (default: ${DEFAULT-VALUE}, the registry of `strata up`)")
  String registry;

  @Option(names = "--tenant", paramLabel = "ID", defaultValue = "default",
      description = "tenant the groups belong to, as X-Scope-OrgID (default: ${DEFAULT-VALUE})")
  String tenant;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "",
      description = "prefix of the topic names (as kafka.topic_prefix of `strata up`)")
  String topicPrefix;

  @Mixin
  KafkaClientConfig clientConfig;

  /** Extra Kafka client properties of {@link #of} (SASL login of {@code strata up}'s secured broker). */
  private Map<String, String> kafkaClient = Map.of();

  /** How long the topic's partitions may take to be found: a secured broker refusing a client without its login looks the same. */
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  /** The topic of {@code topicPrefix}'s pipeline on {@code bootstrap}, for {@code tenant}'s groups. */
  public static RulesTopic of(String bootstrap, String registry, String tenant, String topicPrefix) {
    return of(bootstrap, Map.of(), registry, tenant, topicPrefix);
  }

  /** As {@link #of(String, String, String, String)}, with extra Kafka client properties (e.g. a SASL login). */
  public static RulesTopic of(String bootstrap, Map<String, String> kafkaClient, String registry, String tenant, String topicPrefix) {
    RulesTopic t = new RulesTopic();
    t.kafkaClient = Map.copyOf(kafkaClient);
    t.bootstrap = bootstrap;
    t.registry = registry;
    t.tenant = tenant;
    t.topicPrefix = topicPrefix;
    return t;
  }

  String topic() {
    return topicPrefix + Topics.RULES;
  }

  /** One group as stored: its key and value (null when the latest record of the key is a tombstone). */
  public record Stored(String key, RuleGroup group) {}

  /** The latest record of every key of this tenant, by key, tombstoned keys left out. */
  public Map<String, RuleGroup> current() {
    Properties p = new Properties();
    p.putAll(kafkaClient);
    p.putAll(clientConfig == null ? Map.of() : clientConfig.properties());
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    Map<String, RuleGroup> out = new TreeMap<>();
    try (SchemaRegistry reg = SchemaRegistries.forUrl(registry);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      AvroWireSerde<RuleGroup> serde = new AvroWireSerde<>(reg, RuleGroup.class);
      var infos = c.partitionsFor(topic(), METADATA_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic() + " does not exist on " + bootstrap);
      }
      List<TopicPartition> tps = new ArrayList<>();
      infos.forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
      String mine = tenant + "/";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!done(c, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + topic() + " took longer than 60 s");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() == null) {
            continue;
          }
          String key = new String(r.key(), StandardCharsets.UTF_8);
          if (!key.startsWith(mine)) {
            continue;
          }
          if (r.value() == null) {
            out.remove(key);
          } else {
            out.put(key, serde.deserialize(r.value()));
          }
        }
      }
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (Exception e) {
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getMessage(), e);
    }
    return out;
  }

  private static boolean done(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
    for (var e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Writes the records (a null group is a tombstone) and waits until all are acknowledged. */
  public void write(List<Stored> records) throws Exception {
    Properties p = new Properties();
    p.putAll(kafkaClient);
    p.putAll(clientConfig == null ? Map.of() : clientConfig.properties());
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    try (SchemaRegistry reg = SchemaRegistries.forUrl(registry);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      AvroWireSerde<RuleGroup> serde = new AvroWireSerde<>(reg, RuleGroup.class);
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (Stored s : records) {
        byte[] value = s.group() == null ? null : serde.serialize(topic(), s.group());
        acks.add(producer.send(new ProducerRecord<>(topic(), s.key().getBytes(StandardCharsets.UTF_8), value)));
      }
      for (var a : acks) {
        a.get(60, TimeUnit.SECONDS);
      }
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof TimeoutException t ? unreachable(t) : e;
    }
  }

  /** Kafka did not answer: the broker is down, or it requires authentication this client does not do. */
  private IllegalStateException unreachable(TimeoutException e) {
    return new IllegalStateException("no answer from Kafka at " + bootstrap + " about " + topic() + " (" + e.getMessage()
        + "): is it reachable, and if it requires authentication (SASL, e.g. the broker of strata up with a web config), "
        + "is its login in --kafka-client-config FILE?", e);
  }

  /** {@code verb} of {@code strata rules} run with Kafka's failures as one line on stderr and exit code 1. */
  static Integer run(String verb, java.util.concurrent.Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (IllegalStateException | org.apache.kafka.common.KafkaException | io.strata.schemas.registry.SchemaRegistryException e) {
      System.err.println("strata rules " + verb + ": " + e.getMessage());
      return 1;
    }
  }
}
