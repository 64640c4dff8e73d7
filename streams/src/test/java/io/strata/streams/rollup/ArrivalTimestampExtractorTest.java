package io.strata.streams.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ArrivalTimestampExtractorTest {

  @Test
  void aRecordWithoutATimestampGetsTheWallClockInsteadOfFailingTheTask() {
    var r = new ConsumerRecord<Object, Object>("t", 0, 0, ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE,
        0, 0, null, new byte[] {1}, new RecordHeaders(), Optional.empty());
    long before = System.currentTimeMillis();
    assertTrue(new ArrivalTimestampExtractor().extract(r, -1) >= before);
  }

  @Test
  void aRecordTimestampIsKept() {
    var r = new ConsumerRecord<Object, Object>("t", 0, 0, 1_767_225_600_000L, TimestampType.CREATE_TIME,
        0, 0, null, new byte[] {1}, new RecordHeaders(), Optional.empty());
    assertEquals(1_767_225_600_000L, new ArrivalTimestampExtractor().extract(r, -1));
  }
}
