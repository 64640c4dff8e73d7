package io.strata.schemas.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class SeriesKeyTest {

  @Test
  void encodingIsTheDocumentedOne() {
    // tenant "t", then __name__="up", job="a": each string as LEB128 length + UTF-8
    byte[] expected = {1, 't', 8, '_', '_', 'n', 'a', 'm', 'e', '_', '_', 2, 'u', 'p', 3, 'j', 'o', 'b', 1, 'a'};
    assertArrayEquals(expected, SeriesKey.encode("t", Labels.of("job", "a", "__name__", "up")));
  }

  @Test
  void labelOrderDoesNotChangeTheKey() {
    assertArrayEquals(SeriesKey.encode("t", Labels.of("a", "1", "b", "2")), SeriesKey.encode("t", Labels.of("b", "2", "a", "1")));
  }

  @Test
  void tenantIsPartOfTheKey() {
    assertNotEquals(java.util.Arrays.toString(SeriesKey.encode("t1", Labels.of("a", "1"))),
        java.util.Arrays.toString(SeriesKey.encode("t2", Labels.of("a", "1"))));
  }

  @Test
  void partitionIsKafkasDefaultPartitionForTheKey() {
    for (int i = 0; i < 2000; i++) {
      Labels l = Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i % 64), "instance", "host-" + i);
      byte[] key = SeriesKey.encode("default", l);
      for (int parts : new int[] {1, 3, 4, 12}) {
        assertEquals(BuiltInPartitioner.partitionForKey(key, parts), SeriesPartitioner.partition(key, parts));
      }
    }
  }

  @Test
  void longStringsUseMultiByteLengths() {
    String v = "x".repeat(300);
    byte[] k = SeriesKey.encode("", Labels.of("a", v));
    // "" -> 0; "a" -> 1,'a'; 300 -> 0xAC 0x02
    assertEquals(0, k[0]);
    assertEquals((byte) 0xAC, k[3]);
    assertEquals(2, k[4]);
    assertEquals(5 + 300, k.length);
  }

  @Test
  void theReadmesTestVectorHolds() {
    // schemas/README "Partition rule": murmur2 0xe65de06f, positive 0x665de06f = 1717428335
    byte[] key = SeriesKey.encode("t", Labels.of("__name__", "up", "job", "a"));
    assertEquals(0xe65de06f, org.apache.kafka.common.utils.Utils.murmur2(key));
    assertEquals(1717428335, org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)));
    assertEquals(3, SeriesPartitioner.partition(key, 4));
    assertEquals(11, SeriesPartitioner.partition(key, 12));
  }

  @Test
  void hasherAgreesWithSeriesPartitioner() {
    SeriesHasher h = new SeriesHasher();
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < 2000; i++) {
      Labels l = Labels.of("__name__", "metric_" + r.nextInt(100), "instance", "host-" + r.nextInt(), "zone", i % 7 == 0 ? "größe" : "eu");
      String tenant = i % 3 == 0 ? "default" : "team-" + i;
      int partitions = 1 + r.nextInt(64);
      assertEquals(SeriesPartitioner.partition(tenant, l, partitions), h.partition(tenant, l, partitions), l.toString());
      assertEquals(SeriesPartitioner.partition(tenant, l, partitions), h.partitionOfSorted(tenant, l.toAvro(), partitions), l.toString());
    }
    byte[] key = SeriesKey.encode("default", Labels.of("__name__", "up"));
    for (int len = 0; len <= key.length; len++) {
      assertEquals(org.apache.kafka.common.utils.Utils.murmur2(java.util.Arrays.copyOf(key, len)), SeriesHasher.murmur2(key, len), "length " + len);
    }
  }

  @Test
  void partitionerRejectsZeroPartitions() {
    assertThrows(IllegalArgumentException.class, () -> SeriesPartitioner.partition(new byte[] {1}, 0));
  }
}
