package io.strata.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.Topics;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@StrataTest
class KafkaBrokerIT {

  @Test
  void producesAndConsumesWithAcksAll(TestCluster cluster) throws Exception {
    String topic = cluster.createTopic(cluster.uniquePrefix() + "roundtrip", 2);
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "v")).get();
    }
    Properties c = new Properties();
    c.put("bootstrap.servers", cluster.bootstrapServers());
    c.put("group.id", "g-" + topic);
    c.put("auto.offset.reset", "earliest");
    try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      ConsumerRecords<String, String> got = ConsumerRecords.empty();
      for (int i = 0; i < 50 && got.isEmpty(); i++) {
        got = consumer.poll(Duration.ofMillis(200));
      }
      assertEquals("v", got.iterator().next().value());
    }
  }

  @Test
  void provisionsEveryPipelineTopicWithItsCleanupPolicy(TestCluster cluster) throws Exception {
    String prefix = cluster.uniquePrefix();
    List<Topics.Spec> specs = Topics.all(prefix, List.of("1m", "5m", "1h"));
    List<String> created = TopicProvisioner.ensure(cluster.bootstrapServers(), specs, 3, (short) 1);
    assertEquals(specs.size(), created.size());
    assertTrue(TopicProvisioner.ensure(cluster.bootstrapServers(), specs, 3, (short) 1).isEmpty(), "second run creates nothing");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      var res = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, prefix + Topics.ALERTS);
      var cfg = admin.describeConfigs(List.of(res)).all().get().get(res);
      assertEquals("compact", cfg.get("cleanup.policy").value());
    }
  }

  @Test
  void busyPortIsAClearError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Ports.PortInUseException e = assertThrows(Ports.PortInUseException.class,
          () -> Ports.requireFree("Kafka", "127.0.0.1", taken.getLocalPort()));
      assertTrue(e.getMessage().contains("Kafka port 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
    }
  }

  @Test
  void restartOnTheSameDirectoryKeepsData() throws Exception {
    Path dir = Files.createTempDirectory("strata-broker-restart");
    int[] ports = Ports.free(2);
    int port = ports[0];
    int ctl = ports[1];
    String topic = "keep";
    try (KafkaBroker b = KafkaBroker.start(dir, "127.0.0.1", port, ctl, Map.of())) {
      TopicProvisioner.ensure(b.bootstrapServers(), List.of(new Topics.Spec(topic, Map.of())), 1, (short) 1);
      Properties p = new Properties();
      p.put("bootstrap.servers", b.bootstrapServers());
      try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(topic, "k", "survives")).get();
      }
    }
    try (KafkaBroker b = KafkaBroker.start(dir, "127.0.0.1", port, ctl, Map.of())) {
      Properties c = new Properties();
      c.put("bootstrap.servers", b.bootstrapServers());
      c.put("group.id", "g");
      c.put("auto.offset.reset", "earliest");
      try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of(topic));
        ConsumerRecords<String, String> got = ConsumerRecords.empty();
        for (int i = 0; i < 100 && got.isEmpty(); i++) {
          got = consumer.poll(Duration.ofMillis(200));
        }
        assertEquals("survives", got.iterator().next().value());
      }
    }
  }
}
